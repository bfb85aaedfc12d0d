using System;
using Grpc.Core;

namespace GrpcServer.Internal;

/// <summary>The canonical upper-case names of the status codes, used as derived details.</summary>
internal static class StatusCodeNames
{
    private static readonly string[] s_names =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
        "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED",
    ];

    public static string Get(StatusCode code) =>
        (uint)code < (uint)s_names.Length ? s_names[(int)code] : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static StatusCode CheckAbortCode(StatusCode code, string paramName)
    {
        if (code == StatusCode.OK)
        {
            throw new ArgumentOutOfRangeException(paramName, code, "Abort ends a call with an error status; to succeed, return a response instead of aborting.");
        }

        if ((uint)code >= (uint)s_names.Length)
        {
            throw new ArgumentOutOfRangeException(paramName, code, "Not a gRPC status code; use a value of Grpc.Core.StatusCode.");
        }

        return code;
    }
}
