import { ApiError, ErrorCode } from './api-error.js';

/**
 * Constructors for the errors the API returns. Each message names the object and its
 * id the way OpenNebula's messages do, and where there is a fix, says what it is.
 */
export const Errors = {
  authentication(): ApiError {
    return new ApiError(ErrorCode.AUTHENTICATION, "User couldn't be authenticated, aborting call.");
  },

  notAuthorized(uid: number, detail: string, respId = -1): ApiError {
    return new ApiError(ErrorCode.AUTHORIZATION, `User [${uid}] : ${detail}`, respId);
  },

  notFound(objectName: string, id: number): ApiError {
    return new ApiError(ErrorCode.NO_EXISTS, `Error getting ${objectName} [${id}].`, id);
  },

  action(message: string, respId = -1): ApiError {
    return new ApiError(ErrorCode.ACTION, message, respId);
  },

  badValue(message: string, respId = -1): ApiError {
    return new ApiError(ErrorCode.XML_RPC_API, message, respId);
  },

  allocate(objectName: string, detail: string): ApiError {
    return new ApiError(ErrorCode.ALLOCATE, `Error allocating a new ${objectName}. ${detail}`);
  },

  locked(objectName: string, id: number): ApiError {
    return new ApiError(ErrorCode.LOCKED, `The resource ${objectName} is locked. [${id}]`, id);
  },

  internal(reqId: string): ApiError {
    return new ApiError(
      ErrorCode.INTERNAL,
      `Internal error while handling request ${reqId}; the daemon log has the details.`,
    );
  },
};
