/**
 * Where people are, for the synthetic demo data: an explicit table of Ecuadorian cities and towns.
 *
 * THESE WEIGHTS ARE ATALAYA'S ASSUMPTIONS, NOT SHIPPED POPULATION DATA. Each `weight` is roughly the
 * urban population in thousands as remembered from the INEC 2022 census (Censo de Población y Vivienda),
 * rounded and sometimes merged or split (Quito and Guayaquil are split into districts so that their
 * elongated shapes come out). They steer where synthetic cameras and incidents fall and nothing else;
 * no population figure in Atalaya comes from here. Coordinates are the town centres (WGS 84, ≈100 m).
 */

export interface Place {
  /** Town or district name as shown in synthetic labels. */
  name: string;
  /** The city a district belongs to (Quito, Guayaquil), else the town itself. */
  city: string;
  province: string;
  lon: number;
  lat: number;
  /** Assumed weight ≈ urban population in thousands (see the file comment). */
  weight: number;
  /** Civil time offset from UTC, hours: −5 on the mainland, −6 in the Galápagos (no daylight saving). */
  utcOffsetH: -5 | -6;
  /** Standard deviation of the spatial kernel [east-west, north-south], km; default from the weight. */
  spreadKm?: [number, number];
}

const p = (
  name: string,
  province: string,
  lat: number,
  lon: number,
  weight: number,
  extra: Partial<Pick<Place, 'city' | 'spreadKm' | 'utcOffsetH'>> = {},
): Place => ({
  name,
  city: extra.city ?? name,
  province,
  lon,
  lat,
  weight,
  utcOffsetH: extra.utcOffsetH ?? -5,
  ...(extra.spreadKm ? { spreadKm: extra.spreadKm } : {}),
});

const GALAPAGOS = { utcOffsetH: -6 } as const;

/** Assumed places and weights (see the file comment): 118 entries over all 24 provinces. */
export const PLACES: readonly Place[] = [
  // Pichincha — Quito is a 40 km north–south strip a few km wide, so five districts.
  p('Quito Norte', 'Pichincha', -0.135, -78.485, 650, { city: 'Quito', spreadKm: [2.2, 3.5] }),
  p('Quito Centro', 'Pichincha', -0.215, -78.505, 450, { city: 'Quito', spreadKm: [1.8, 2.5] }),
  p('Quito Sur', 'Pichincha', -0.285, -78.54, 600, { city: 'Quito', spreadKm: [2.0, 3.5] }),
  p('Calderón', 'Pichincha', -0.095, -78.42, 170, { city: 'Quito', spreadKm: [2.0, 2.0] }),
  p('Cumbayá-Tumbaco', 'Pichincha', -0.205, -78.415, 110, { city: 'Quito', spreadKm: [2.5, 2.0] }),
  p('Conocoto', 'Pichincha', -0.29, -78.475, 90, { city: 'Quito', spreadKm: [1.5, 1.5] }),
  p('Sangolquí', 'Pichincha', -0.333, -78.448, 90),
  p('Pomasqui-San Antonio', 'Pichincha', -0.04, -78.45, 60, { city: 'Quito' }),
  p('Cayambe', 'Pichincha', 0.041, -78.144, 50),
  p('Machachi', 'Pichincha', -0.511, -78.567, 30),
  p('Tabacundo', 'Pichincha', 0.049, -78.204, 18),
  p('Pedro Vicente Maldonado', 'Pichincha', 0.085, -79.05, 8),
  // Guayas — Guayaquil split north / centre / south / west.
  p('Guayaquil Centro', 'Guayas', -2.19, -79.89, 800, { city: 'Guayaquil', spreadKm: [2.5, 2.5] }),
  p('Guayaquil Norte', 'Guayas', -2.135, -79.905, 800, { city: 'Guayaquil', spreadKm: [3.0, 3.0] }),
  p('Guayaquil Sur', 'Guayas', -2.255, -79.895, 550, { city: 'Guayaquil', spreadKm: [2.2, 2.5] }),
  p('Guayaquil Noroeste', 'Guayas', -2.115, -79.965, 400, { city: 'Guayaquil', spreadKm: [2.5, 2.5] }),
  p('Durán', 'Guayas', -2.17, -79.833, 300),
  p('Samborondón-La Puntilla', 'Guayas', -2.135, -79.865, 80),
  p('Milagro', 'Guayas', -2.135, -79.587, 150),
  p('Daule', 'Guayas', -1.863, -79.978, 60),
  p('El Triunfo', 'Guayas', -2.333, -79.383, 40),
  p('Playas', 'Guayas', -2.632, -80.389, 45),
  p('Naranjal', 'Guayas', -2.674, -79.618, 35),
  p('El Empalme', 'Guayas', -1.046, -79.636, 40),
  p('Balzar', 'Guayas', -1.365, -79.906, 30),
  p('Pedro Carbo', 'Guayas', -1.819, -80.233, 25),
  p('Naranjito', 'Guayas', -2.17, -79.465, 25),
  p('Yaguachi', 'Guayas', -2.095, -79.695, 20),
  p('Salitre', 'Guayas', -1.83, -79.817, 15),
  // Santa Elena
  p('La Libertad', 'Santa Elena', -2.233, -80.9, 110),
  p('Santa Elena', 'Santa Elena', -2.226, -80.858, 55),
  p('Salinas', 'Santa Elena', -2.215, -80.955, 40),
  p('Montañita', 'Santa Elena', -1.826, -80.75, 6),
  // Manabí
  p('Manta', 'Manabí', -0.968, -80.709, 250),
  p('Portoviejo', 'Manabí', -1.055, -80.455, 220),
  p('Chone', 'Manabí', -0.698, -80.094, 70),
  p('El Carmen', 'Manabí', -0.267, -79.433, 60),
  p('Montecristi', 'Manabí', -1.046, -80.658, 50),
  p('Jipijapa', 'Manabí', -1.349, -80.579, 45),
  p('Bahía de Caráquez', 'Manabí', -0.62, -80.44, 30),
  p('Pedernales', 'Manabí', 0.071, -80.053, 30),
  p('Calceta', 'Manabí', -0.847, -80.167, 20),
  p('Rocafuerte', 'Manabí', -0.923, -80.448, 12),
  p('Puerto López', 'Manabí', -1.559, -80.812, 12),
  // Los Ríos
  p('Quevedo', 'Los Ríos', -1.022, -79.463, 180),
  p('Babahoyo', 'Los Ríos', -1.802, -79.534, 110),
  p('Ventanas', 'Los Ríos', -1.45, -79.467, 40),
  p('Buena Fe', 'Los Ríos', -0.899, -79.491, 40),
  p('Vinces', 'Los Ríos', -1.55, -79.75, 35),
  p('Valencia', 'Los Ríos', -0.952, -79.353, 20),
  p('Catarama', 'Los Ríos', -1.58, -79.467, 10),
  // El Oro
  p('Machala', 'El Oro', -3.258, -79.955, 260),
  p('Pasaje', 'El Oro', -3.327, -79.807, 55),
  p('Santa Rosa', 'El Oro', -3.449, -79.96, 55),
  p('Huaquillas', 'El Oro', -3.476, -80.231, 55),
  p('El Guabo', 'El Oro', -3.24, -79.829, 25),
  p('Arenillas', 'El Oro', -3.551, -80.066, 20),
  p('Piñas', 'El Oro', -3.681, -79.681, 18),
  p('Zaruma', 'El Oro', -3.691, -79.611, 12),
  // Esmeraldas
  p('Esmeraldas', 'Esmeraldas', 0.962, -79.66, 170),
  p('Quinindé', 'Esmeraldas', 0.325, -79.47, 45),
  p('San Lorenzo', 'Esmeraldas', 1.287, -78.835, 25),
  p('Atacames', 'Esmeraldas', 0.867, -79.845, 20),
  p('Muisne', 'Esmeraldas', 0.61, -80.02, 8),
  // Santo Domingo de los Tsáchilas
  p('Santo Domingo', 'Santo Domingo de los Tsáchilas', -0.253, -79.175, 340, { spreadKm: [3.5, 3.5] }),
  p('La Concordia', 'Santo Domingo de los Tsáchilas', 0.006, -79.395, 45),
  // Imbabura
  p('Ibarra', 'Imbabura', 0.352, -78.122, 160),
  p('Otavalo', 'Imbabura', 0.234, -78.262, 55),
  p('Atuntaqui', 'Imbabura', 0.333, -78.216, 25),
  p('Cotacachi', 'Imbabura', 0.302, -78.265, 12),
  // Carchi
  p('Tulcán', 'Carchi', 0.812, -77.717, 65),
  p('San Gabriel', 'Carchi', 0.604, -77.823, 15),
  p('El Ángel', 'Carchi', 0.616, -77.94, 6),
  // Cotopaxi
  p('Latacunga', 'Cotopaxi', -0.935, -78.616, 100),
  p('La Maná', 'Cotopaxi', -0.941, -79.226, 35),
  p('Salcedo', 'Cotopaxi', -1.046, -78.591, 20),
  p('Pujilí', 'Cotopaxi', -0.958, -78.696, 12),
  p('Saquisilí', 'Cotopaxi', -0.839, -78.665, 8),
  // Tungurahua
  p('Ambato', 'Tungurahua', -1.249, -78.617, 200, { spreadKm: [2.5, 2.5] }),
  p('Pelileo', 'Tungurahua', -1.331, -78.543, 20),
  p('Baños', 'Tungurahua', -1.396, -78.425, 18),
  p('Píllaro', 'Tungurahua', -1.167, -78.533, 12),
  // Chimborazo
  p('Riobamba', 'Chimborazo', -1.664, -78.655, 180),
  p('Guano', 'Chimborazo', -1.606, -78.631, 10),
  p('Alausí', 'Chimborazo', -2.202, -78.848, 8),
  p('Guamote', 'Chimborazo', -1.933, -78.71, 6),
  // Bolívar
  p('Guaranda', 'Bolívar', -1.593, -79.001, 35),
  p('San Miguel', 'Bolívar', -1.706, -79.043, 8),
  p('Caluma', 'Bolívar', -1.625, -79.258, 8),
  // Cañar
  p('Azogues', 'Cañar', -2.74, -78.849, 45),
  p('La Troncal', 'Cañar', -2.423, -79.34, 45),
  p('Cañar', 'Cañar', -2.559, -78.939, 12),
  // Azuay
  p('Cuenca', 'Azuay', -2.9, -79.006, 400, { spreadKm: [3.5, 2.5] }),
  p('Gualaceo', 'Azuay', -2.893, -78.777, 20),
  p('Paute', 'Azuay', -2.778, -78.761, 10),
  p('Santa Isabel', 'Azuay', -3.274, -79.313, 8),
  // Loja
  p('Loja', 'Loja', -3.993, -79.204, 200, { spreadKm: [2.0, 3.0] }),
  p('Catamayo', 'Loja', -3.987, -79.358, 30),
  p('Cariamanga', 'Loja', -4.331, -79.556, 15),
  p('Macará', 'Loja', -4.381, -79.944, 14),
  p('Saraguro', 'Loja', -3.622, -79.236, 6),
  // Zamora Chinchipe
  p('Zamora', 'Zamora Chinchipe', -4.069, -78.957, 20),
  p('Yantzaza', 'Zamora Chinchipe', -3.828, -78.76, 15),
  // Morona Santiago
  p('Macas', 'Morona Santiago', -2.309, -78.111, 30),
  p('Sucúa', 'Morona Santiago', -2.458, -78.17, 12),
  p('Gualaquiza', 'Morona Santiago', -3.4, -78.567, 10),
  // Pastaza
  p('Puyo', 'Pastaza', -1.492, -78.002, 45),
  p('Shell', 'Pastaza', -1.503, -78.063, 10),
  // Napo
  p('Tena', 'Napo', -0.994, -77.813, 35),
  p('Archidona', 'Napo', -0.909, -77.808, 10),
  p('Baeza', 'Napo', -0.457, -77.885, 3),
  // Orellana
  p('Francisco de Orellana (El Coca)', 'Orellana', -0.466, -76.987, 50),
  p('La Joya de los Sachas', 'Orellana', -0.3, -76.867, 15),
  // Sucumbíos
  p('Nueva Loja', 'Sucumbíos', 0.085, -76.883, 70),
  p('Shushufindi', 'Sucumbíos', -0.183, -76.65, 25),
  // Galápagos (UTC−6)
  p('Puerto Ayora', 'Galápagos', -0.745, -90.315, 14, GALAPAGOS),
  p('Puerto Baquerizo Moreno', 'Galápagos', -0.9, -89.607, 7, GALAPAGOS),
  p('Puerto Villamil', 'Galápagos', -0.955, -90.965, 3, GALAPAGOS),
];

/**
 * Standard deviation of a place's spatial kernel in km, [east-west, north-south]: the explicit
 * `spreadKm` when given, else 0.12·√weight clamped to 0.5…5 km — a town of 10,000 (weight 10) gets
 * ≈0.5 km, a city of 400,000 ≈2.4 km. An assumption, chosen so that towns look compact on the map.
 */
export function placeSpreadKm(place: Place): [number, number] {
  if (place.spreadKm) return place.spreadKm;
  const s = Math.min(5, Math.max(0.5, 0.12 * Math.sqrt(place.weight)));
  return [s, s];
}
