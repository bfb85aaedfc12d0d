namespace GrpcServer.Internal.Handlers;

/// <summary>One handler added to a server, able to bind itself to grpc-dotnet's service model.</summary>
internal abstract class HandlerRegistration(RpcDescriptor rpc)
{
    public RpcDescriptor Rpc => rpc;

    public abstract void Bind(HandlerBinder binder);
}
