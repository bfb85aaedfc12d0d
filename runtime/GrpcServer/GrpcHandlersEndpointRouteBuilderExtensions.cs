using System;
using GrpcServer;
using GrpcServer.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the handlers added with <c>services.AddGrpcHandlers(...)</c>.</summary>
public static class GrpcHandlersEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the handlers added with <c>services.AddGrpcHandlers(...)</c>, and the health and reflection services
    /// when their options are on.
    /// </summary>
    /// <param name="endpoints">The app.</param>
    /// <returns>A builder for conventions (authorization, CORS, ...) on the handlers' endpoints.</returns>
    /// <exception cref="InvalidOperationException"><c>AddGrpcHandlers</c> was not called, or added no handler.</exception>
    public static GrpcServiceEndpointConventionBuilder MapGrpcHandlers(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var server = endpoints.ServiceProvider.GetService<RpcServer>()
            ?? throw new InvalidOperationException("Call services.AddGrpcHandlers(...) before app.MapGrpcHandlers().");
        return HandlerHosting.MapEndpoints(endpoints, server, checkHttp2: true);
    }
}
