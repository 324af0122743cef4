import type { CoreApi } from '../../core/services/core-api.js';
import type { MethodTable } from '../server/method-table.js';
import { readChmod, readPoolQuery, registerCommonMethods } from './common-methods.js';

/** Images and VM templates. */
export function registerImageAndTemplateMethods(table: MethodTable, api: CoreApi): void {
  const { images, templates } = api;

  registerCommonMethods(table, 'one.image', images);
  table.register('one.image.allocate', (ctx, p) =>
    images.allocate(ctx.requester, p.string(1, 'template'), p.int(2, 'datastore id')),
  );
  table.register('one.image.delete', (ctx, p) => images.delete(ctx.requester, p.int(1, 'id')));
  table.register('one.image.enable', (ctx, p) => images.enable(ctx.requester, p.int(1, 'id'), p.bool(2, 'enable')));
  table.register('one.image.persistent', (ctx, p) =>
    images.persistent(ctx.requester, p.int(1, 'id'), p.bool(2, 'persistent')),
  );
  table.register('one.image.chtype', (ctx, p) => images.chtype(ctx.requester, p.int(1, 'id'), p.string(2, 'type')));
  table.register('one.image.clone', (ctx, p) =>
    images.clone(ctx.requester, p.int(1, 'id'), p.string(2, 'name'), p.optionalInt(3, 'datastore id', -1)),
  );
  table.register('one.imagepool.info', (ctx, p) => images.poolInfo(ctx.requester, readPoolQuery(p)));

  registerCommonMethods(table, 'one.template', templates, { chmod: false });
  table.register('one.template.chmod', (ctx, p) => templates.chmod(ctx.requester, p.int(1, 'id'), readChmod(p)));
  table.register('one.template.allocate', (ctx, p) => templates.allocate(ctx.requester, p.string(1, 'template')));
  table.register('one.template.delete', (ctx, p) =>
    templates.delete(ctx.requester, p.int(1, 'id'), p.optionalBool(2, 'recursive', false)),
  );
  table.register('one.template.clone', (ctx, p) =>
    templates.clone(ctx.requester, p.int(1, 'id'), p.string(2, 'name'), p.optionalBool(3, 'recursive', false)),
  );
  table.register('one.template.instantiate', (ctx, p) =>
    templates.instantiate(
      ctx.requester,
      p.int(1, 'id'),
      p.optionalString(2, 'VM name', ''),
      p.optionalBool(3, 'hold', false),
      p.optionalString(4, 'extra template', ''),
    ),
  );
  table.register('one.templatepool.info', (ctx, p) => templates.poolInfo(ctx.requester, readPoolQuery(p)));
}
