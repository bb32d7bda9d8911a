/**
 * Full-text search over the catalogue, served by minisearch (a well-kept full-text index: tokenising,
 * field boosts, prefix and fuzzy matching). Built once per environment; queries are read-only and
 * deterministic (ties broken by item id).
 */
import MiniSearch from 'minisearch';
import type { Product } from './catalog.ts';

/** Results per page, as the shop shows them. */
export const PAGE_SIZE = 10;

const MAX_CACHED_QUERIES = 2000;

export interface SearchPage {
  query: string;
  page: number;
  pages: number;
  total: number;
  results: { item_id: string; title: string; price: number }[];
}

export interface CatalogSearch {
  /** Every matching item id, best first. */
  rank(query: string): string[];
  /** One page of results (1-based); a page past the end is empty. */
  page(query: string, page: number): SearchPage;
}

interface Document {
  id: string;
  title: string;
  features: string;
  noun: string;
  brand: string;
}

export function createCatalogSearch(products: readonly Product[], nounOf: (category: string) => string): CatalogSearch {
  const byId = new Map(products.map((product) => [product.id, product]));
  const index = new MiniSearch<Document>({
    fields: ['title', 'features', 'noun', 'brand'],
    searchOptions: { boost: { title: 2, features: 1.5, noun: 1.5 }, prefix: true, fuzzy: 0.15, combineWith: 'OR' },
  });
  index.addAll(products.map((product) => ({ id: product.id, title: product.title, features: product.features.join(' '), noun: nounOf(product.category), brand: product.brand })));
  const cache = new Map<string, string[]>();

  function rank(query: string): string[] {
    const key = query.trim().toLowerCase();
    let ranked = cache.get(key);
    if (!ranked) {
      ranked = index
        .search(key)
        .sort((left, right) => right.score - left.score || String(left.id).localeCompare(String(right.id)))
        .map((result) => String(result.id));
      // A bounded memo: real models invent many queries; the oracle and the sims repeat a few.
      if (cache.size >= MAX_CACHED_QUERIES) cache.clear();
      cache.set(key, ranked);
    }
    return ranked;
  }

  return {
    rank,
    page(query, page) {
      const ranked = rank(query);
      const pages = Math.max(1, Math.ceil(ranked.length / PAGE_SIZE));
      const results = ranked.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE).map((id) => {
        const product = byId.get(id)!;
        return { item_id: id, title: product.title, price: product.price };
      });
      return { query, page, pages, total: ranked.length, results };
    },
  };
}
