/**
 * The shop's assortment: product types with their option dimensions and price ranges. The generator
 * draws concrete variants (ids, option combinations, prices, availability) from these.
 */

/** A product type the shop sells. */
export interface ProductType {
  /** Display name, unique in the catalog. */
  name: string;
  /** Option dimensions and their possible values (the order of dimensions is the display order). */
  options: Record<string, readonly string[]>;
  /** Cheapest and dearest variant price in dollars. */
  priceRange: readonly [number, number];
}

const COLORS = ['black', 'white', 'navy', 'olive', 'coral', 'slate', 'mustard', 'teal'] as const;
const SIZES = ['XS', 'S', 'M', 'L', 'XL'] as const;

/** Every product type, in catalog order. */
export const PRODUCT_TYPES: readonly ProductType[] = [
  { name: 'Rain Jacket', options: { color: COLORS, size: SIZES }, priceRange: [64, 139] },
  { name: 'Wool Beanie', options: { color: COLORS, knit: ['ribbed', 'cable', 'plain'] }, priceRange: [14, 32] },
  { name: 'Linen Shirt', options: { color: COLORS, size: SIZES, fit: ['slim', 'regular'] }, priceRange: [38, 72] },
  { name: 'Trail Socks', options: { size: ['S', 'M', 'L'], cushion: ['light', 'medium', 'heavy'] }, priceRange: [9, 24] },
  { name: 'Canvas Sneakers', options: { color: COLORS, size: ['7', '8', '9', '10', '11', '12'] }, priceRange: [45, 89] },
  { name: 'Hiking Sandals', options: { color: ['brown', 'black', 'olive'], size: ['7', '8', '9', '10', '11'] }, priceRange: [52, 110] },
  { name: 'Denim Overalls', options: { wash: ['light', 'medium', 'dark'], size: SIZES }, priceRange: [58, 96] },
  { name: 'Thermal Mug', options: { capacity: ['350ml', '470ml', '590ml'], finish: ['matte', 'gloss', 'brushed steel'] }, priceRange: [18, 42] },
  { name: 'Cast Iron Skillet', options: { diameter: ['20cm', '26cm', '30cm'], handle: ['standard', 'helper handle'] }, priceRange: [29, 88] },
  { name: 'Pour-Over Kettle', options: { capacity: ['0.6L', '0.9L', '1.2L'], finish: ['copper', 'matte black', 'steel'] }, priceRange: [34, 96] },
  { name: 'Chef Knife', options: { blade: ['15cm', '20cm', '24cm'], steel: ['carbon', 'stainless', 'damascus'] }, priceRange: [39, 240] },
  { name: 'Rice Cooker', options: { capacity: ['3 cups', '5 cups', '10 cups'], color: ['white', 'black', 'sage'] }, priceRange: [49, 189] },
  { name: 'Stand Mixer', options: { power: ['300W', '500W', '800W'], color: ['cream', 'red', 'graphite'] }, priceRange: [149, 459] },
  { name: 'Bamboo Cutting Board', options: { size: ['small', 'medium', 'large'], groove: ['yes', 'no'] }, priceRange: [16, 48] },
  { name: 'Desk Fan', options: { speeds: ['3', '5', '8'], color: ['white', 'black', 'mint'] }, priceRange: [24, 79] },
  { name: 'Reading Lamp', options: { color: ['brass', 'black', 'white'], bulb: ['LED', 'halogen'], arm: ['fixed', 'adjustable'] }, priceRange: [32, 119] },
  { name: 'Weighted Blanket', options: { weight: ['5kg', '7kg', '9kg'], cover: ['cotton', 'minky', 'bamboo'] }, priceRange: [69, 189] },
  { name: 'Memory Foam Pillow', options: { firmness: ['soft', 'medium', 'firm'], size: ['standard', 'king'] }, priceRange: [29, 84] },
  { name: 'Shower Curtain', options: { pattern: ['stripes', 'waves', 'plain', 'botanical'], length: ['180cm', '200cm'] }, priceRange: [19, 46] },
  { name: 'Houseplant Pot', options: { diameter: ['12cm', '18cm', '25cm'], material: ['terracotta', 'ceramic', 'concrete'] }, priceRange: [12, 58] },
  { name: 'Standing Desk', options: { width: ['120cm', '140cm', '160cm'], frame: ['black', 'white', 'grey'] }, priceRange: [289, 689] },
  { name: 'Ergonomic Stool', options: { height: ['low', 'standard', 'tall'], seat: ['mesh', 'foam', 'leather'] }, priceRange: [89, 279] },
  { name: 'Wall Shelf', options: { length: ['60cm', '90cm', '120cm'], wood: ['oak', 'walnut', 'pine'] }, priceRange: [27, 98] },
  { name: 'Noise-Cancelling Headset', options: { color: ['black', 'silver', 'blue'], connection: ['wired', 'wireless'] }, priceRange: [79, 349] },
  { name: 'Portable Projector', options: { resolution: ['720p', '1080p', '4K'], brightness: ['300 lumens', '600 lumens'] }, priceRange: [149, 799] },
  { name: 'E-Ink Notepad', options: { screen: ['7.8 inch', '10.3 inch'], storage: ['16GB', '32GB', '64GB'] }, priceRange: [219, 499] },
  { name: 'USB-C Dock', options: { ports: ['5-in-1', '8-in-1', '12-in-1'], color: ['grey', 'silver'] }, priceRange: [39, 189] },
  { name: 'Webcam', options: { resolution: ['1080p', '4K'], microphone: ['mono', 'stereo'], mount: ['clip', 'tripod'] }, priceRange: [49, 229] },
  { name: 'Smart Plug', options: { pack: ['1-pack', '2-pack', '4-pack'], protocol: ['wifi', 'zigbee'] }, priceRange: [14, 69] },
  { name: 'Power Bank', options: { capacity: ['10000mAh', '20000mAh', '26800mAh'], color: ['black', 'white', 'orange'] }, priceRange: [25, 109] },
  { name: 'Fitness Tracker', options: { band: ['silicone', 'woven', 'steel'], color: ['black', 'rose', 'green'] }, priceRange: [59, 199] },
  { name: 'Kettlebell', options: { weight: ['8kg', '12kg', '16kg', '20kg'], coating: ['vinyl', 'powder', 'chrome'] }, priceRange: [29, 119] },
  { name: 'Jump Rope', options: { cable: ['steel', 'pvc', 'beaded'], handle: ['foam', 'aluminium'] }, priceRange: [9, 39] },
  { name: 'Climbing Chalk Bag', options: { color: COLORS, closure: ['drawstring', 'zip'] }, priceRange: [15, 38] },
  { name: 'Camping Hammock', options: { size: ['single', 'double'], color: ['forest', 'sky', 'sunset'] }, priceRange: [35, 95] },
  { name: 'Sleeping Bag', options: { rating: ['summer', '3-season', 'winter'], fill: ['synthetic', 'down'] }, priceRange: [69, 389] },
  { name: 'Trekking Poles', options: { material: ['aluminium', 'carbon'], lock: ['twist', 'lever'] }, priceRange: [44, 169] },
  { name: 'Road Bike Helmet', options: { size: ['S', 'M', 'L'], color: ['matte black', 'white', 'fluo yellow'], visor: ['yes', 'no'] }, priceRange: [59, 219] },
  { name: 'Bike Lock', options: { type: ['u-lock', 'chain', 'folding'], key: ['key', 'combination'] }, priceRange: [25, 119] },
  { name: 'Board Game', options: { theme: ['space trade', 'island farming', 'castle siege', 'deep sea'], players: ['2-4', '2-6'] }, priceRange: [24, 79] },
  { name: 'Watercolor Set', options: { colors: ['12', '24', '48'], format: ['pans', 'tubes'] }, priceRange: [18, 96] },
  { name: 'Fountain Pen', options: { nib: ['extra fine', 'fine', 'medium', 'broad'], barrel: ['black', 'burgundy', 'clear'] }, priceRange: [22, 189] },
  { name: 'Dog Harness', options: { size: SIZES, color: ['red', 'blue', 'camo', 'black'] }, priceRange: [19, 59] },
  { name: 'Cat Tree', options: { height: ['90cm', '130cm', '170cm'], color: ['beige', 'grey'] }, priceRange: [59, 229] },
  { name: 'Aroma Diffuser', options: { capacity: ['100ml', '300ml', '500ml'], finish: ['wood grain', 'white', 'stone'] }, priceRange: [22, 74] },
  { name: 'Travel Duffel', options: { capacity: ['30L', '45L', '65L'], color: ['black', 'olive', 'tan'] }, priceRange: [49, 179] },
];
