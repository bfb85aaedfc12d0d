using Google.Protobuf;
using Grpc.Core;

namespace GrpcServer.Internal;

/// <summary>
/// Marshallers for Google.Protobuf messages, the same contextual, buffer-based ones Grpc.Tools emits:
/// responses are written straight into the transport's buffer writer and requests parsed from the
/// received read-only sequence, without an intermediate byte array.
/// </summary>
internal static class ProtobufMarshaller
{
    public static Marshaller<T> Create<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        // protoc has emitted IBufferMessage for years; the array path keeps hand-written IMessage types working.
        if (typeof(IBufferMessage).IsAssignableFrom(typeof(T)))
        {
            return new Marshaller<T>(
                static (message, context) =>
                {
                    context.SetPayloadLength(message.CalculateSize());
                    message.WriteTo(context.GetBufferWriter());
                    context.Complete();
                },
                context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
        }

        return new Marshaller<T>(
            static (message, context) => context.Complete(message.ToByteArray()),
            context => parser.ParseFrom(context.PayloadAsNewBuffer()));
    }
}
