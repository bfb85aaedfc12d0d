namespace GrpcServer.Internal;

/// <summary>
/// The service type grpc-dotnet routes every handler's calls to. It holds no state: handlers are bound as
/// delegates by <see cref="HandlerMethodProvider"/>, and one instance is registered as a singleton so that
/// no call creates one.
/// </summary>
internal sealed class HandlerService
{
}
