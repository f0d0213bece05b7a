import { describe, expect, it } from 'vitest';
import { mongoServerFlavor, onFerretdb, withSingleConnection } from '../src/mongo-test.js';

describe('@x/checks/mongo-test', () => {
  it('withSingleConnection sets maxPoolSize=1, keeping the other options', () => {
    expect(withSingleConnection('mongodb://127.0.0.1:27017')).toBe('mongodb://127.0.0.1:27017/?maxPoolSize=1');
    expect(withSingleConnection('mongodb://h:1/')).toBe('mongodb://h:1/?maxPoolSize=1');
    expect(withSingleConnection('mongodb://h:1/?maxPoolSize=1')).toBe('mongodb://h:1/?maxPoolSize=1');
    expect(withSingleConnection('mongodb://u:p@h/db?w=majority&MAXPOOLSIZE=50')).toBe(
      'mongodb://u:p@h/db?w=majority&maxPoolSize=1',
    );
  });

  it('mongoServerFlavor tells FerretDB (ferretdbVersion in buildInfo) from MongoDB', async () => {
    const server = (info: Record<string, unknown>) => ({ command: async () => info });
    expect(await mongoServerFlavor(server({ version: '7.0.14' }))).toEqual({
      ferretdb: false,
      version: 'MongoDB 7.0.14',
    });
    expect(await mongoServerFlavor(server({ version: '7.0.42', ferretdbVersion: 'v1.24.2' }))).toEqual({
      ferretdb: true,
      version: 'FerretDB v1.24.2 (MongoDB 7.0.42)',
    });
    const ferret = await mongoServerFlavor(server({ version: '7.0.42', ferretdbVersion: 'unknown' }));
    expect(ferret.version).toBe('FerretDB (MongoDB 7.0.42)');
    expect(onFerretdb(ferret, 'title', 'why')).toBe('title [adapted for FerretDB 1.24: why]');
    expect(onFerretdb({ ferretdb: false, version: 'MongoDB 7' }, 'title', 'why')).toBe('title');
  });
});
