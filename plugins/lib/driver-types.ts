/**
 * Types for the shipped module drivers. Imports from the core are type-only, so the
 * compiled plugins load nothing from it.
 *
 * The request interfaces restate the fields of core/drivers/protocol/*-actions.ts
 * with their exact types: the declarations there type the shared fields as
 * `FieldSpec`, so RequestOf yields a union of every field type for them. The
 * DriverManager checks each request against the declaration before a driver gets
 * it, which makes the casts to these interfaces safe.
 */
export type { ModuleDriver, ModuleDriverContext, ModuleDriverFactory } from '../../core/drivers/runtime/module-driver-api.js';

export interface RegisterRequest {
  imageId: number;
  datastoreId: number;
  datastorePath: string;
  /** A local path, or an http, https or file URL. */
  path: string;
  md5?: string;
  sha256?: string;
}

export interface RegisterReply {
  source: string;
  format: string;
  sizeMb: number;
  virtualSizeMb: number;
  md5: string;
  sha256: string;
}

export interface ImageCloneRequest {
  imageId: number;
  datastorePath: string;
  source: string;
  targetImageId: number;
}

export interface ImageDeleteRequest {
  imageId: number;
  datastorePath: string;
  source: string;
}

export interface MkfsRequest {
  imageId: number;
  datastorePath: string;
  sizeMb: number;
  format: string;
  fs?: string;
}

export interface MonitorRequest {
  datastoreId: number;
  datastorePath: string;
}

export interface MonitorReply {
  totalMb: number;
  freeMb: number;
  usedMb: number;
}

/** CLONE and LN of a transfer driver. */
export interface DiskRequest {
  vmId: number;
  host: string;
  source: string;
  target: string;
}

export interface MoveRequest {
  vmId: number;
  sourceHost: string;
  source: string;
  host: string;
  target: string;
}

export interface DeleteRequest {
  vmId: number;
  host: string;
  target: string;
}

export interface MkimageRequest {
  vmId: number;
  host: string;
  target: string;
  sizeMb: number;
  format: string;
  fs?: string;
}

export interface ContextRequest {
  vmId: number;
  host: string;
  target: string;
  values: Record<string, unknown>;
  files: string[];
}

/** MVDS: `source` is the disk in the VM folder, `target` the image file. */
export interface SaveDiskRequest {
  vmId: number;
  host: string;
  source: string;
  target: string;
}
