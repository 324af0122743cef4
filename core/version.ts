/** Stratus's own release. */
export const STRATUS_VERSION = '0.1.0';

/** The OpenNebula release whose XML-RPC API Stratus answers as; clients compare against it. */
export const ONE_API_VERSION = '6.10.5';
