using System;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GrpcServer.Internal;

/// <summary>
/// Answers gRPC calls of methods nobody serves with <c>UNIMPLEMENTED</c>, as grpc-dotnet would, but reports a
/// <see cref="NotImplementedException"/> first: the SR OS module's behaviour. Only <see cref="RpcServer"/>'s own host
/// uses it; an app that hosts the handlers keeps grpc-dotnet's default.
/// </summary>
internal static class UnknownMethodEndpoint
{
    public static void Map(WebApplication app, HandlerRegistry registry)
    {
        var served = registry.ServiceNames();

        // Middleware that runs after routing found no endpoint, not a fallback route: a catch-all route pattern is a
        // candidate of every request, so the matcher would capture its value (the path string, a RouteValueDictionary,
        // about 150 B) on every call before the RPC's own route wins.
        app.Use(next => http => http.GetEndpoint() is null ? AnswerAsync(http, served) : next(http));
    }

    private static Task AnswerAsync(HttpContext http, System.Collections.Generic.IReadOnlySet<string> served)
    {
        var response = http.Response;
        if (!IsGrpc(http.Request))
        {
            // Not a gRPC call: nothing here for plain HTTP.
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var path = http.Request.Path.Value ?? "";
        var slash = path.IndexOf('/', 1);
        var service = slash > 1 ? path[1..slash] : path.TrimStart('/');
        var details = served.Contains(service) ? "Method is unimplemented." : "Service is unimplemented.";

        var dispatcher = http.RequestServices.GetRequiredService<CallDispatcher>();
        dispatcher.UnknownMethod(new UnknownMethodCallContext(http));

        // A trailers-only response: the status travels in the headers of an empty response.
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = "12";
        response.Headers["grpc-message"] = details;
        return Task.CompletedTask;
    }

    private static bool IsGrpc(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.ContentType is { } contentType
        && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);
}
