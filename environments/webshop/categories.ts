/**
 * The shop's categories: the product noun, the attributes a product may have (the words a shopper asks
 * for), the option types each product offers (size, colour, pack, flavour), brands, and a price range.
 * Products are generated from these (generate.ts); nothing here is random.
 */

/** One kind of option a product of the category offers, with every value it may take. */
export interface OptionType {
  /** Option name as the item page shows it, e.g. "size". */
  name: string;
  /** Every value of the option in the category. */
  values: readonly string[];
}

export interface Category {
  /** Category id, e.g. "cookies" (also the task kind). */
  id: string;
  /** The product noun in titles and requests, e.g. "cookies". */
  noun: string;
  /** Attributes products of the category may have. */
  attributes: readonly string[];
  /** Option types every product of the category offers (each product offers a subset of the values). */
  options: readonly OptionType[];
  brands: readonly string[];
  /** Price range in dollars. */
  price: readonly [number, number];
}

const SIZES = ['small', 'medium', 'large', 'x-large', 'xx-large'];
const COLORS = ['black', 'white', 'navy', 'grey', 'red', 'green', 'beige', 'pink', 'blue', 'brown'];

export const CATEGORIES: readonly Category[] = [
  {
    id: 'cookies',
    noun: 'cookies',
    attributes: ['gluten free', 'sugar free', 'organic', 'vegan', 'individually wrapped', 'low carb'],
    options: [
      { name: 'flavor', values: ['chocolate chip', 'oatmeal raisin', 'peanut butter', 'double chocolate', 'lemon'] },
      { name: 'pack', values: ['6 count', '12 count', '24 count', '36 count'] },
    ],
    brands: ['Crumbly Co', 'Hearth & Oven', 'Nana Bakes', 'Goodbite'],
    price: [4, 38],
  },
  {
    id: 'coffee',
    noun: 'ground coffee',
    attributes: ['organic', 'fair trade', 'decaf', 'dark roast', 'low acid', 'single origin'],
    options: [
      { name: 'size', values: ['12 ounce', '16 ounce', '2 pound', '5 pound'] },
      { name: 'grind', values: ['whole bean', 'fine', 'medium', 'coarse'] },
    ],
    brands: ['Ridgeline Roasters', 'Morning Bell', 'Copper Kettle', 'Altura'],
    price: [7, 55],
  },
  {
    id: 'tea',
    noun: 'tea bags',
    attributes: ['caffeine free', 'organic', 'herbal', 'non gmo', 'kosher', 'fair trade'],
    options: [
      { name: 'flavor', values: ['chamomile', 'peppermint', 'earl grey', 'green', 'ginger lemon'] },
      { name: 'pack', values: ['20 count', '40 count', '100 count'] },
    ],
    brands: ['Willow Leaf', 'Teahouse Lane', 'Blue Lotus'],
    price: [3, 30],
  },
  {
    id: 't-shirt',
    noun: 't-shirt',
    attributes: ['machine wash', 'cotton', 'moisture wicking', 'slim fit', 'short sleeve', 'long sleeve'],
    options: [
      { name: 'size', values: SIZES },
      { name: 'color', values: COLORS },
    ],
    brands: ['Northway', 'Basic Thread', 'Kestrel', 'Urban Loom'],
    price: [8, 45],
  },
  {
    id: 'running-shoes',
    noun: 'running shoes',
    attributes: ['lightweight', 'breathable', 'non slip', 'wide toe box', 'arch support', 'waterproof'],
    options: [
      { name: 'size', values: ['7', '7.5', '8', '8.5', '9', '9.5', '10', '10.5', '11', '12'] },
      { name: 'color', values: COLORS },
    ],
    brands: ['Stride', 'Pacer', 'Fleetfoot', 'Trailhawk'],
    price: [35, 160],
  },
  {
    id: 'headphones',
    noun: 'wireless headphones',
    attributes: ['noise cancelling', 'bluetooth', 'over ear', 'long battery life', 'foldable', 'with microphone'],
    options: [{ name: 'color', values: ['black', 'white', 'silver', 'blue', 'rose gold'] }],
    brands: ['Sonara', 'Bassline', 'Quietwave', 'Aurio'],
    price: [20, 300],
  },
  {
    id: 'shampoo',
    noun: 'shampoo',
    attributes: ['sulfate free', 'paraben free', 'for dry hair', 'for curly hair', 'cruelty free', 'natural ingredients'],
    options: [
      { name: 'size', values: ['8 fl oz', '12 fl oz', '16 fl oz', '32 fl oz'] },
      { name: 'scent', values: ['coconut', 'lavender', 'tea tree', 'unscented', 'argan'] },
    ],
    brands: ['Lush Meadow', 'Purelocks', 'Tressa', 'Vital Roots'],
    price: [5, 40],
  },
  {
    id: 'candle',
    noun: 'scented candle',
    attributes: ['soy wax', 'long lasting', 'non toxic', 'lead free wick', 'hand poured', 'gift set'],
    options: [
      { name: 'scent', values: ['vanilla', 'sandalwood', 'fresh linen', 'cinnamon', 'eucalyptus'] },
      { name: 'size', values: ['4 ounce', '8 ounce', '14 ounce'] },
    ],
    brands: ['Emberly', 'Wickwright', 'Calm Hollow'],
    price: [6, 48],
  },
  {
    id: 'phone-case',
    noun: 'phone case',
    attributes: ['shockproof', 'slim', 'wireless charging compatible', 'clear', 'with card holder', 'with kickstand'],
    options: [
      { name: 'model', values: ['iphone 14', 'iphone 15', 'iphone 15 pro', 'galaxy s23', 'galaxy s24', 'pixel 8'] },
      { name: 'color', values: ['black', 'clear', 'blue', 'pink', 'green'] },
    ],
    brands: ['Armorix', 'Shellguard', 'Casewise', 'Grip&Go'],
    price: [6, 45],
  },
  {
    id: 'backpack',
    noun: 'backpack',
    attributes: ['water resistant', 'laptop compartment', 'lightweight', 'anti theft', 'usb charging port', 'padded straps'],
    options: [
      { name: 'color', values: COLORS.slice(0, 7) },
      { name: 'capacity', values: ['20 liter', '30 liter', '40 liter'] },
    ],
    brands: ['Roamer', 'Summit Pack', 'Cityline', 'Trekwise'],
    price: [18, 120],
  },
  {
    id: 'yoga-mat',
    noun: 'yoga mat',
    attributes: ['non slip', 'extra thick', 'eco friendly', 'with carrying strap', 'lightweight', 'latex free'],
    options: [
      { name: 'color', values: ['purple', 'black', 'teal', 'grey', 'pink'] },
      { name: 'thickness', values: ['4mm', '6mm', '8mm', '10mm'] },
    ],
    brands: ['Zenstep', 'Flowform', 'Balancea'],
    price: [12, 80],
  },
  {
    id: 'water-bottle',
    noun: 'water bottle',
    attributes: ['insulated', 'bpa free', 'leak proof', 'dishwasher safe', 'with straw lid', 'stainless steel'],
    options: [
      { name: 'size', values: ['12 ounce', '20 ounce', '32 ounce', '40 ounce'] },
      { name: 'color', values: ['black', 'white', 'sage', 'navy', 'coral'] },
    ],
    brands: ['Hydrafall', 'Coldkeep', 'Sipline', 'Aquaro'],
    price: [8, 50],
  },
  {
    id: 'dog-food',
    noun: 'dry dog food',
    attributes: ['grain free', 'high protein', 'for puppies', 'for small breeds', 'no artificial flavors', 'limited ingredient'],
    options: [
      { name: 'flavor', values: ['chicken', 'salmon', 'lamb', 'beef'] },
      { name: 'size', values: ['4 pound', '15 pound', '30 pound'] },
    ],
    brands: ['Wagwell', 'Pawsome Pantry', 'Trailmate'],
    price: [10, 90],
  },
  {
    id: 'desk-lamp',
    noun: 'led desk lamp',
    attributes: ['dimmable', 'eye caring', 'usb charging port', 'touch control', 'adjustable arm', 'with timer'],
    options: [{ name: 'color', values: ['black', 'white', 'silver', 'wood grain'] }],
    brands: ['Lumio', 'Brightnest', 'Arcwell'],
    price: [15, 75],
  },
  {
    id: 'socks',
    noun: 'athletic socks',
    attributes: ['cushioned', 'moisture wicking', 'arch support', 'no show', 'breathable', 'merino wool'],
    options: [
      { name: 'size', values: ['small', 'medium', 'large', 'x-large'] },
      { name: 'pack', values: ['3 pairs', '6 pairs', '12 pairs'] },
    ],
    brands: ['Footloft', 'Stridewell', 'Kestrel'],
    price: [6, 40],
  },
  {
    id: 'sunscreen',
    noun: 'sunscreen',
    attributes: ['spf 50', 'water resistant', 'reef safe', 'fragrance free', 'mineral', 'for sensitive skin'],
    options: [
      { name: 'size', values: ['3 fl oz', '6 fl oz', '8 fl oz'] },
      { name: 'type', values: ['lotion', 'spray', 'stick'] },
    ],
    brands: ['Solara', 'Shorebound', 'Daylight Care'],
    price: [6, 35],
  },
  {
    id: 'blanket',
    noun: 'throw blanket',
    attributes: ['machine wash', 'fleece', 'lightweight', 'reversible', 'hypoallergenic', 'oversized'],
    options: [
      { name: 'color', values: ['grey', 'cream', 'navy', 'sage', 'blush', 'charcoal'] },
      { name: 'size', values: ['50 x 60 inch', '60 x 80 inch', '90 x 90 inch'] },
    ],
    brands: ['Snugnest', 'Hearthside', 'Cozywell'],
    price: [14, 90],
  },
  {
    id: 'protein-powder',
    noun: 'protein powder',
    attributes: ['whey', 'plant based', 'sugar free', 'gluten free', 'keto friendly', 'non gmo'],
    options: [
      { name: 'flavor', values: ['vanilla', 'chocolate', 'strawberry', 'unflavored'] },
      { name: 'size', values: ['1 pound', '2 pound', '5 pound'] },
    ],
    brands: ['Ironleaf', 'Purelift', 'Corestrong'],
    price: [18, 95],
  },
  {
    id: 'notebook',
    noun: 'notebook',
    attributes: ['hardcover', 'dotted', 'lined', 'acid free paper', 'with elastic closure', 'spiral bound'],
    options: [
      { name: 'size', values: ['a5', 'a4', 'pocket'] },
      { name: 'color', values: ['black', 'navy', 'red', 'green', 'tan'] },
    ],
    brands: ['Inkwell', 'Pagecraft', 'Margin & Co'],
    price: [4, 32],
  },
  {
    id: 'frying-pan',
    noun: 'frying pan',
    attributes: ['nonstick', 'induction compatible', 'oven safe', 'dishwasher safe', 'pfoa free', 'with lid'],
    options: [{ name: 'size', values: ['8 inch', '10 inch', '12 inch'] }],
    brands: ['Castwell', 'Searmaster', 'Kitchen Oak'],
    price: [15, 120],
  },
];
