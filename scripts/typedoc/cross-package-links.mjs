// @ts-check
/**
 * TypeDoc plugin: links and types that name another x package point at that package's pages.
 *
 * Each package is converted on its own (`packages` strategy), from its sources; a package that
 * imports another one sees that one's built `.d.ts`, so its symbol ids (file, position) match no
 * page: links to them (`{@link LlmClient}` in @x/platform) would fail and types (`clock?: Clock`)
 * would be plain text. When a symbol id or a type's target finds nothing, this looks the symbol up
 * by package name and qualified name among the exports of the package's module and its
 * sub-modules (the main entry first). A member inherited from another
 * package (`LlmFleetOptions.clock` from `LoadBalancerOptions`) keeps that package's links: a name
 * its comment links to (`{@link systemClock}`) is looked up in the package it was inherited from.
 */
import { Application, makeRecursiveVisitor, ReflectionKind } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
  /** @type {Map<string, import('typedoc').Reflection>} */
  const byName = new Map();
  /** @type {string[]} */
  const packages = [];

  // for `{@link}` parts only: a type's unresolved reference expects a URL string back
  app.converter.addUnknownSymbolResolver((ref, reflection, part) => {
    const path = ref.symbolReference?.path;
    // A revived project keeps only the name of what a member was inherited from
    // (`LoadBalancerOptions.clock`): the package that exports that name is the origin.
    const inherited = reflection.isDeclaration() ? reflection.inheritedFrom?.name : undefined;
    if (!part || ref.moduleSource || !path || !inherited) return undefined;
    const origins = packages.filter((pkg) => byName.has(`${pkg}\0${inherited}`));
    const name = path.map((part) => part.path).join('.');
    const target = origins.length === 1 ? byName.get(`${origins[0]}\0${name}`) : undefined;
    return target ? { target: /** @type {any} */ (target) } : undefined;
  });

  app.on(
    Application.EVENT_PROJECT_REVIVE,
    (project) => {
      byName.clear();
      packages.length = 0;
      /** @param {string} pkg @param {import('typedoc').DeclarationReflection} container @param {string} prefix */
      const add = (pkg, container, prefix) => {
        for (const child of container.children ?? []) {
          if (child.kindOf(ReflectionKind.SomeModule)) continue;
          const name = prefix + child.name;
          const key = `${pkg}\0${name}`;
          if (!byName.has(key)) byName.set(key, child);
          add(pkg, child, `${name}.`);
        }
      };
      for (const pkg of project.getChildrenByKind(ReflectionKind.Module)) {
        packages.push(pkg.name);
        add(pkg.name, pkg, '');
        for (const sub of pkg.getChildrenByKind(ReflectionKind.Module)) add(pkg.name, sub, '');
      }
      const linkTypes = makeRecursiveVisitor({
        reference(type) {
          if (type.reflection || !type.package) return;
          const target = byName.get(`${type.package}\0${type.qualifiedName}`);
          // how TypeDoc's ReferenceType stores a resolved target: a reflection id and its project
          if (target) Object.assign(type, { _target: target.id, _project: project });
        },
      });
      for (const reflection of Object.values(project.reflections)) {
        const owner = /** @type {any} */ (reflection);
        for (const key of ['type', 'default', 'inheritedFrom', 'overwrites', 'implementationOf']) {
          owner[key]?.visit?.(linkTypes);
        }
        for (const key of ['extendedTypes', 'implementedTypes', 'extendedBy', 'implementedBy']) {
          for (const type of owner[key] ?? []) type.visit(linkTypes);
        }
      }
      const bySymbolId = project.getReflectionsFromSymbolId.bind(project);
      project.getReflectionsFromSymbolId = (symbolId) => {
        const found = bySymbolId(symbolId);
        if (found.length > 0) return found;
        const fallback = byName.get(`${symbolId.packageName}\0${symbolId.qualifiedName}`);
        return fallback ? [fallback] : [];
      };
    },
    4000,
  );
}
