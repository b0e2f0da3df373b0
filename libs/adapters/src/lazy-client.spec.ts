import { clientFrom } from './lazy-client';

describe('clientFrom', () => {
  it('loads a client once, at its first use, and tries again after a failed load', async () => {
    let loads = 0;
    const client = { name: 'sns' };
    const get = clientFrom(async () => {
      loads += 1;
      if (loads === 1) throw new Error('import failed');
      return client;
    });
    expect(loads).toBe(0);
    await expect(get()).rejects.toThrow('import failed');
    expect(await get()).toBe(client);
    expect(await get()).toBe(client);
    expect(loads).toBe(2);
  });

  it('hands back a client given as it is', async () => {
    const client = { name: 'sns' };
    expect(await clientFrom(client)()).toBe(client);
  });
});
