import type { LngLat } from '../domain/types.js';
import { bearingDeg, distanceKm } from './flat-earth.js';

/**
 * Ecuador's main roads for the synthetic demo data, APPROXIMATE: each is a list of waypoints through
 * the real towns it serves (town centres, a few passes), joined by straight lines — not a surveyed
 * alignment. Good enough to put synthetic road cameras and road incidents along the corridors;
 * never use these for routing or distances. Route numbers follow the MTOP national network
 * (E35 Troncal de la Sierra / Panamericana, E15 Ruta del Spondylus, E25 Troncal de la Costa,
 * E20/E30/E40 transversals, E45 Troncal Amazónica) as remembered.
 */
export interface Road {
  ref: string;
  name: string;
  /** Waypoints [lon, lat], degrees; the road runs straight between consecutive points. */
  path: LngLat[];
}

export const ROADS: readonly Road[] = [
  {
    ref: 'E35',
    name: 'Troncal de la Sierra (Panamericana)',
    path: [
      [-77.717, 0.812], // Tulcán
      [-77.823, 0.604], // San Gabriel
      [-77.903, 0.508], // Bolívar (Carchi)
      [-77.99, 0.43], // El Juncal
      [-78.122, 0.352], // Ibarra
      [-78.262, 0.234], // Otavalo
      [-78.2, 0.1], // Cajas pass
      [-78.144, 0.041], // Cayambe
      [-78.34, -0.057], // Guayllabamba
      [-78.42, -0.1], // Calderón
      [-78.39, -0.22], // Tumbaco / Pifo junction
      [-78.448, -0.333], // Sangolquí
      [-78.56, -0.43], // Tambillo
      [-78.567, -0.511], // Machachi
      [-78.61, -0.75], // Lasso
      [-78.616, -0.935], // Latacunga
      [-78.591, -1.046], // Salcedo
      [-78.617, -1.249], // Ambato
      [-78.66, -1.41], // Mocha
      [-78.655, -1.664], // Riobamba
      [-78.71, -1.933], // Guamote
      [-78.848, -2.202], // Alausí
      [-78.92, -2.29], // Chunchi
      [-78.939, -2.559], // Cañar
      [-78.849, -2.74], // Azogues
      [-79.006, -2.9], // Cuenca
      [-79.01, -3.09], // Cumbe
      [-79.16, -3.47], // Oña
      [-79.236, -3.622], // Saraguro
      [-79.204, -3.993], // Loja
      [-79.358, -3.987], // Catamayo
      [-79.43, -4.23], // Gonzanamá
      [-79.556, -4.331], // Cariamanga
      [-79.944, -4.381], // Macará
    ],
  },
  {
    ref: 'E15',
    name: 'Ruta del Spondylus',
    path: [
      [-78.835, 1.287], // San Lorenzo
      [-78.861, 1.235], // (coast)
      [-78.99, 1.093], // Borbón
      [-79.236, 1.061], // (coast)
      [-79.355, 1.055], // (coast)
      [-79.41, 1.07], // Rioverde
      [-79.522, 0.995], // (coast)
      [-79.66, 0.962], // Esmeraldas
      [-79.845, 0.867], // Atacames
      [-79.98, 0.75], // Tonchigüe
      [-79.991, 0.576], // (coast)
      [-80.0, 0.6], // Muisne junction
      [-80.006, 0.421], // (coast)
      [-80.024, 0.339], // (coast)
      [-80.02, 0.164], // (coast)
      [-80.053, 0.071], // Pedernales
      [-80.093, -0.006], // (coast)
      [-80.137, -0.064], // (coast)
      [-80.26, -0.2], // Jama
      [-80.44, -0.46], // Canoa
      [-80.4, -0.6], // San Vicente
      [-80.448, -0.923], // Rocafuerte
      [-80.709, -0.968], // Manta
      [-80.658, -1.046], // Montecristi
      [-80.74, -1.35], // Puerto Cayo
      [-80.729, -1.376], // (coast)
      [-80.748, -1.439], // (coast)
      [-80.812, -1.559], // Puerto López
      [-80.75, -1.826], // Montañita
      [-80.718, -1.898], // (coast)
      [-80.74, -1.98], // Ayangue
      [-80.75, -2.131], // (coast)
      [-80.858, -2.226], // Santa Elena
    ],
  },
  {
    ref: 'E25',
    name: 'Troncal de la Costa',
    path: [
      [-79.47, 0.325], // Quinindé
      [-79.395, 0.006], // La Concordia
      [-79.175, -0.253], // Santo Domingo
      [-79.491, -0.899], // Buena Fe
      [-79.463, -1.022], // Quevedo
      [-79.467, -1.45], // Ventanas
      [-79.534, -1.802], // Babahoyo
      [-79.66, -1.99], // Jujan
      [-79.833, -2.17], // Durán
      [-79.7, -2.4], // Boliche
      [-79.618, -2.674], // Naranjal
      [-79.829, -3.24], // El Guabo
      [-79.955, -3.258], // Machala
      [-79.96, -3.449], // Santa Rosa
      [-80.066, -3.551], // Arenillas
      [-80.231, -3.476], // Huaquillas
    ],
  },
  {
    ref: 'E20',
    name: 'Transversal Norte: Santo Domingo – Alóag',
    path: [
      [-79.175, -0.253], // Santo Domingo
      [-78.99, -0.33], // Alluriquín
      [-78.8, -0.416], // Tandapi
      [-78.585, -0.466], // Alóag
    ],
  },
  {
    ref: 'E20',
    name: 'Transversal Norte: Quito – Baeza',
    path: [
      [-78.39, -0.22], // Tumbaco / Pifo junction
      [-78.34, -0.23], // Pifo
      [-78.14, -0.37], // Papallacta
      [-77.885, -0.457], // Baeza
    ],
  },
  {
    ref: 'E30',
    name: 'Transversal Central: Manta – Latacunga',
    path: [
      [-80.709, -0.968], // Manta
      [-80.455, -1.055], // Portoviejo
      [-80.1, -1.05], // Pichincha (Manabí)
      [-79.463, -1.022], // Quevedo
      [-79.226, -0.941], // La Maná
      [-78.9, -0.955], // Zumbahua
      [-78.696, -0.958], // Pujilí
      [-78.616, -0.935], // Latacunga
    ],
  },
  {
    ref: 'E30',
    name: 'Transversal Central: Ambato – Baños – Puyo',
    path: [
      [-78.617, -1.249], // Ambato
      [-78.543, -1.331], // Pelileo
      [-78.425, -1.396], // Baños
      [-78.3, -1.41], // Río Verde
      [-78.063, -1.503], // Shell
      [-78.002, -1.492], // Puyo
    ],
  },
  {
    ref: 'E40',
    name: 'Transversal Austral: Salinas – Guayaquil – Cuenca',
    path: [
      [-80.955, -2.215], // Salinas
      [-80.935, -2.232], // (coast)
      [-80.858, -2.226], // Santa Elena
      [-80.37, -2.41], // Progreso
      [-79.965, -2.17], // Guayaquil (Perimetral)
      [-79.833, -2.17], // Durán
      [-79.587, -2.135], // Milagro junction
      [-79.383, -2.333], // El Triunfo
      [-79.34, -2.423], // La Troncal
      [-79.14, -2.47], // Cochancay
      [-78.99, -2.46], // Zhud
      [-78.939, -2.559], // Cañar
    ],
  },
  {
    ref: 'E59',
    name: 'Machala – Pasaje – Cuenca',
    path: [
      [-79.955, -3.258], // Machala
      [-79.807, -3.327], // Pasaje
      [-79.313, -3.274], // Santa Isabel
      [-79.148, -3.155], // Girón
      [-79.006, -2.9], // Cuenca
    ],
  },
  {
    ref: 'E45',
    name: 'Troncal Amazónica',
    path: [
      [-76.883, 0.085], // Nueva Loja
      [-77.33, 0.04], // Lumbaqui
      [-77.53, -0.04], // El Reventador
      [-77.81, -0.34], // El Chaco
      [-77.885, -0.457], // Baeza
      [-77.87, -0.59], // Cosanga
      [-77.808, -0.909], // Archidona
      [-77.813, -0.994], // Tena
      [-77.88, -1.27], // Santa Clara
      [-78.002, -1.492], // Puyo
      [-78.05, -1.95], // Chuitayo
      [-78.111, -2.309], // Macas
      [-78.17, -2.458], // Sucúa
      [-78.31, -2.72], // Méndez
      [-78.42, -2.96], // Limón
      [-78.567, -3.4], // Gualaquiza
      [-78.76, -3.828], // Yantzaza
      [-78.957, -4.069], // Zamora
      [-79.204, -3.993], // Loja (E50)
    ],
  },
  {
    ref: 'E45A',
    name: 'Troncal Amazónica: Nueva Loja – Coca – Narupa',
    path: [
      [-76.883, 0.085], // Nueva Loja
      [-76.867, -0.3], // La Joya de los Sachas
      [-76.987, -0.466], // Coca
      [-77.31, -0.69], // Loreto
      [-77.72, -0.73], // Narupa
      [-77.808, -0.909], // Archidona
    ],
  },
];

/** Length of a road's polyline, km (flat-earth approximation). */
export function roadLengthKm(road: Road): number {
  let total = 0;
  for (let i = 0; i + 1 < road.path.length; i++)
    total += distanceKm(road.path[i] as LngLat, road.path[i + 1] as LngLat);
  return total;
}

/**
 * The point `km` along a road from its first waypoint, and the bearing of the segment there
 * (degrees from north). `km` is clamped to [0, length].
 */
export function pointAlongRoad(road: Road, km: number): { position: LngLat; bearingDeg: number } {
  let remaining = Math.max(0, km);
  for (let i = 0; i + 1 < road.path.length; i++) {
    const a = road.path[i] as LngLat;
    const b = road.path[i + 1] as LngLat;
    const seg = distanceKm(a, b);
    if (remaining <= seg || i + 2 === road.path.length) {
      const f = seg > 0 ? Math.min(1, remaining / seg) : 0;
      const position: LngLat = [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
      return { position, bearingDeg: bearingDeg(a, b) };
    }
    remaining -= seg;
  }
  const only = road.path[0];
  if (!only) throw new RangeError(`Road ${road.ref} ${road.name} has no waypoints`);
  return { position: [only[0], only[1]], bearingDeg: 0 };
}
