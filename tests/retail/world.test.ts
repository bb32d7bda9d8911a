import { describe, expect, it } from 'vitest';
import { createRetail, DEFAULT_WORLD_SEED } from '../../environments/retail/index.ts';
import { generateWorld } from '../../environments/retail/generate.ts';
import { hashOf } from '../../src/toolkit/canonical.ts';

const world = generateWorld(DEFAULT_WORLD_SEED);

describe('retail world', () => {
  it('is the same for the same seed and different for another seed', () => {
    expect(hashOf(generateWorld(DEFAULT_WORLD_SEED))).toBe(hashOf(world));
    expect(hashOf(generateWorld(DEFAULT_WORLD_SEED + 1))).not.toBe(hashOf(world));
  });

  it('has enough customers, products and orders, with every status well represented', () => {
    const users = Object.values(world.users);
    const products = Object.values(world.products);
    const orders = Object.values(world.orders);
    expect(users.length).toBeGreaterThanOrEqual(50);
    expect(products.length).toBeGreaterThanOrEqual(40);
    expect(orders.length).toBeGreaterThanOrEqual(200);
    for (const status of ['pending', 'processed', 'delivered', 'cancelled']) {
      expect(orders.filter((order) => order.status === status).length).toBeGreaterThanOrEqual(30);
    }
  });

  it('uses the documented id formats and keeps records consistent', () => {
    for (const user of Object.values(world.users)) {
      expect(user.user_id).toMatch(/^[a-z]+_[a-z]+_\d{4}$/);
      const methods = Object.values(user.payment_methods);
      expect(methods.length).toBeGreaterThanOrEqual(1);
      expect(methods.length).toBeLessThanOrEqual(3);
      for (const method of methods) expect(method.id).toMatch(/^(credit_card|gift_card|paypal)_\d{7}$/);
      for (const orderId of user.orders) expect(world.orders[orderId]?.user_id).toBe(user.user_id);
    }
    for (const product of Object.values(world.products)) {
      expect(product.product_id).toMatch(/^\d{10}$/);
      for (const [itemId, variant] of Object.entries(product.variants)) {
        expect(itemId).toMatch(/^\d{10}$/);
        expect(variant.item_id).toBe(itemId);
        expect(Math.round(variant.price * 100) / 100).toBe(variant.price);
      }
    }
    for (const order of Object.values(world.orders)) {
      expect(order.order_id).toMatch(/^#W\d{7}$/);
      expect(order.items.length).toBeGreaterThan(0);
      const shipped = order.status === 'processed' || order.status === 'delivered';
      expect(order.fulfillments.length > 0).toBe(shipped);
      expect(order.cancel_reason !== undefined).toBe(order.status === 'cancelled');
      for (const item of order.items) expect(world.products[item.product_id]?.variants[item.item_id]).toBeDefined();
    }
  });

  it('builds the same environment twice and a different one for another seed', () => {
    const first = createRetail();
    const second = createRetail({ seed: DEFAULT_WORLD_SEED });
    const other = createRetail({ seed: 7 });
    expect(first.worldHash).toBe(hashOf(world));
    expect(second.worldHash).toBe(first.worldHash);
    expect(second.tasks).toEqual(first.tasks);
    expect(second.reset('retail-001', 3).oracle()).toEqual(first.reset('retail-001', 99).oracle());
    expect(other.worldHash).not.toBe(first.worldHash);
    expect(other.tasks.map((task) => task.instruction)).not.toEqual(first.tasks.map((task) => task.instruction));
    expect(first.reset('retail-005', 1).stateHash()).toBe(first.worldHash);
  });

  it('publishes its name, rules, description, tools and budget', () => {
    const environment = createRetail();
    expect(environment.name).toBe('retail');
    expect(environment.maxSteps).toBe(30);
    const ruleLines = environment.rules.trim().split('\n').length;
    expect(ruleLines).toBeGreaterThanOrEqual(40);
    expect(ruleLines).toBeLessThanOrEqual(80);
    expect(environment.rules).toContain('record_customer_confirmation');
    expect(environment.description).toContain('policy:confirmation');
    const readOnly = environment.tools.filter((tool) => tool.readOnly).map((tool) => tool.name);
    expect(readOnly.sort()).toEqual(
      ['calculate', 'find_user_id_by_email', 'find_user_id_by_name_zip', 'get_order_details', 'get_product_details', 'get_user_details', 'list_all_product_types'].sort(),
    );
    const cancel = environment.tools.find((tool) => tool.name === 'cancel_pending_order');
    expect(cancel?.parameters.properties.order_id?.pattern).toBe('^#W\\d{7}$');
    expect(cancel?.parameters.properties.reason?.enum).toEqual(['no longer needed', 'ordered by mistake']);
  });
});
