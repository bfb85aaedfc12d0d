using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace GrpcServer.Internal;

/// <summary>
/// Answers what no gRPC method of <see cref="RpcServer"/>'s own host takes: a gRPC call of a method nobody serves gets
/// <c>UNIMPLEMENTED</c> ("Service is unimplemented." or "Method is unimplemented.", as grpc-dotnet words them), and a
/// gRPC request that is not a POST gets 405 Method Not Allowed, as grpc-dotnet's routing gives it. Both are the
/// client's doing, so both are logged at Debug (the path escaped) and never reported: a client cannot stop the server
/// or fill its log by calling what does not exist. An app that hosts the handlers keeps grpc-dotnet's own answers.
/// </summary>
internal static class UnknownMethodEndpoint
{
    public static void Map(WebApplication app, HandlerRegistry registry)
    {
        var served = registry.ServiceNames();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(HandlerHosting.LoggerCategory);

        // Middleware that runs after routing, not a fallback route: a catch-all route pattern is a candidate of every
        // request, so the matcher would capture its value (the path string, a RouteValueDictionary, about 150 B) on
        // every call before the RPC's own route wins. What routing leaves to it: no endpoint (an unknown path), or
        // routing's own 405 rejection, which is not a RouteEndpoint (a known method's path with another HTTP method).
        app.Use(next => http => http.GetEndpoint() is RouteEndpoint ? next(http) : AnswerAsync(http, served, logger));
    }

    private static Task AnswerAsync(HttpContext http, IReadOnlySet<string> served, ILogger logger)
    {
        var request = http.Request;
        var response = http.Response;
        if (!IsGrpc(request))
        {
            // Not a gRPC call: nothing here for plain HTTP.
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        var path = request.Path.Value ?? "";
        if (!HttpMethods.IsPost(request.Method))
        {
            // gRPC methods take POST only (HandlerBinder marks them so); routing falls through to here for any other.
            GrpcServerLog.NotPost(logger, request.Method, path, Peer(http));
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers[HeaderNames.Allow] = HttpMethods.Post;
            return Task.CompletedTask;
        }

        var slash = path.IndexOf('/', 1);
        var service = slash > 1 ? path[1..slash] : path.TrimStart('/');
        var details = served.Contains(service) ? "Method is unimplemented." : "Service is unimplemented.";
        GrpcServerLog.UnknownMethod(logger, path, Peer(http), details);

        // A trailers-only response: the status travels in the headers of an empty response.
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = "12";
        response.Headers["grpc-message"] = details;
        return Task.CompletedTask;
    }

    private static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } contentType
        && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    private static string Peer(HttpContext http) =>
        http.Connection.RemoteIpAddress is { } address ? $"{address}:{http.Connection.RemotePort}" : "unknown";
}
