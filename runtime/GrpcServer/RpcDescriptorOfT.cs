using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Google.Protobuf;
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
        RpcService service, string name, MethodType kind, MessageParser<TRequest> requestParser, MessageParser<TResponse> responseParser)
        : base(service, name, kind)
    {
        ArgumentNullException.ThrowIfNull(requestParser);
        ArgumentNullException.ThrowIfNull(responseParser);
        Method = new Method<TRequest, TResponse>(
            kind, service.FullName, name,
            ProtobufMarshaller.Create(requestParser, "request"), ProtobufMarshaller.Create(responseParser, "response"));
    }

    /// <summary>The grpc-dotnet method: names and marshallers.</summary>
    public Method<TRequest, TResponse> Method { get; }

    /// <inheritdoc/>
    public override Type RequestType => typeof(TRequest);

    /// <inheritdoc/>
    public override Type ResponseType => typeof(TResponse);

    internal override Type MessageIn(MessageForm form, bool request) => (form, request) switch
    {
        (MessageForm.Single, true) => typeof(TRequest),
        (MessageForm.AsyncEnumerable, true) => typeof(IAsyncEnumerable<TRequest>),
        (MessageForm.Single, false) => typeof(TResponse),
        (MessageForm.Task, false) => typeof(Task<TResponse>),
        (MessageForm.Enumerable, false) => typeof(IEnumerable<TResponse>),
        (MessageForm.AsyncEnumerable, false) => typeof(IAsyncEnumerable<TResponse>),
        _ => throw new ArgumentOutOfRangeException(nameof(form), form, "No handler takes its request in this form."),
    };
}
