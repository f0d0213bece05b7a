// @ts-check
/**
 * TypeDoc plugin: one page per package, whatever its number of entry points.
 *
 * With several entry points (`src/index.ts` plus `src/mongodb.ts` or `src/testing.ts`), TypeDoc's
 * `packages` strategy puts the main entry in an `index` module below the package's page, which then
 * shows the README and nothing else. This merges that `index` module into the package's module, so
 * the package page opens with the main entry's overview (its `@packageDocumentation`) and the
 * README, lists the main entry's exports, and keeps `mongodb` and `testing` as sub-modules.
 *
 * It also makes links to a package's README (`../packages/clock/README.md` in a guide) open the
 * package's page, and links to the repository's README open the landing page, instead of copying
 * the raw markdown into `media/`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Application, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  // after MergeModuleWithPlugin (10000), before grouping (-100) and link resolution (-300)
  app.on(
    Application.EVENT_PROJECT_REVIVE,
    (project) => {
      const readmes = new Map();
      for (const dir of app.options.getValue('entryPoints')) {
        const { name } = JSON.parse(readFileSync(join(resolve(dir), 'package.json'), 'utf8'));
        readmes.set(name, join(resolve(dir), 'README.md').replaceAll('\\', '/'));
      }
      project.files.registerReflectionPath(resolve('README.md').replaceAll('\\', '/'), project);
      for (const pkg of project.getChildrenByKind(ReflectionKind.Module)) {
        const readme = readmes.get(pkg.name);
        if (readme) project.files.registerReflectionPath(readme, pkg);
        const main = pkg.getChildByName('index');
        if (!main?.kindOf(ReflectionKind.Module) || main.parent !== pkg) continue;
        pkg.comment ??= main.comment;
        project.mergeReflections(main, pkg);
        // the sub-modules (`mongodb`, `testing`) last, after the main entry's exports
        pkg.children?.sort((a, b) => Number(a.kindOf(ReflectionKind.Module)) - Number(b.kindOf(ReflectionKind.Module)));
      }
    },
    5000,
  );
}
