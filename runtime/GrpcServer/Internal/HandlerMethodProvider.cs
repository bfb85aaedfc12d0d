using Grpc.AspNetCore.Server.Model;

namespace GrpcServer.Internal;

/// <summary>Binds the added handlers to grpc-dotnet through its service method discovery.</summary>
internal sealed class HandlerMethodProvider(HandlerRegistry registry, CallDispatcher dispatcher) : IServiceMethodProvider<HandlerService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<HandlerService> context) =>
        registry.Bind(new HandlerBinder(context, dispatcher, registry));
}
