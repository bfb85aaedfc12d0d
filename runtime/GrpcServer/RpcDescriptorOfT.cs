using System;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using GrpcServer.Internal;

namespace GrpcServer;

/// <summary>An RPC with its request and response message types, and the gRPC method that serves it.</summary>
/// <typeparam name="TRequest">The request message.</typeparam>
/// <typeparam name="TResponse">The response message.</typeparam>
public abstract class RpcDescriptor<TRequest, TResponse> : RpcDescriptor
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    private protected RpcDescriptor(
        string package, string service, string name, MethodType kind,
        MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser, Func<FileDescriptor>? file)
        : base(package, service, name, kind, file)
    {
        ArgumentNullException.ThrowIfNull(requestParser);
        ArgumentNullException.ThrowIfNull(responseParser);
        Method = new Method<TRequest, TResponse>(
            kind, ServiceFullName, name,
            ProtobufMarshaller.Create(requestParser), ProtobufMarshaller.Create(responseParser));
    }

    /// <summary>The grpc-dotnet method: names and marshallers.</summary>
    public Method<TRequest, TResponse> Method { get; }

    /// <inheritdoc/>
    public override Type RequestType => typeof(TRequest);

    /// <inheritdoc/>
    public override Type ResponseType => typeof(TResponse);
}
