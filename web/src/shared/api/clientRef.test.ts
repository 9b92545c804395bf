import { describe, expect, it } from 'vitest';
import { newClientRef } from './clientRef.js';

describe('newClientRef', () => {
  it('fits the API rule of 8–64 characters of [A-Za-z0-9_-] and does not repeat', () => {
    const a = newClientRef();
    expect(a).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(newClientRef()).not.toBe(a);
  });
});
