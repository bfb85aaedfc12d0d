using Google.Protobuf;
using Grpc.Core;

namespace GrpcServer.Internal;

/// <summary>
/// Marshallers for Google.Protobuf messages, the same contextual, buffer-based ones Grpc.Tools emits:
/// responses are written straight into the transport's buffer writer and requests parsed from the
/// received read-only sequence, without an intermediate byte array. Bytes that are not a message of the type end the
/// call with <c>INTERNAL</c>, as the gRPC spec says, through <see cref="ClientProtocolException"/>: grpc-dotnet
/// would otherwise answer a unary call <c>UNKNOWN</c> ("Exception was thrown by handler.") and log it as an error, and
/// <see cref="InvalidProtocolBufferException"/>, an <see cref="System.IO.IOException"/>, would pass for a lost connection.
/// </summary>
internal static class ProtobufMarshaller
{
    /// <param name="parser">The message type's parser.</param>
    /// <param name="direction">"request" or "response": which message of the RPC this is, for the status detail.</param>
    public static Marshaller<T> Create<T>(MessageParser<T> parser, string direction)
        where T : class, IMessage<T>
    {
        var messageType = typeof(T).Name;

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
                context =>
                {
                    try
                    {
                        return parser.ParseFrom(context.PayloadAsReadOnlySequence());
                    }
                    catch (InvalidProtocolBufferException exception)
                    {
                        throw ClientProtocolException.Unparsable(direction, messageType, exception);
                    }
                });
        }

        return new Marshaller<T>(
            static (message, context) => context.Complete(message.ToByteArray()),
            context =>
            {
                try
                {
                    return parser.ParseFrom(context.PayloadAsNewBuffer());
                }
                catch (InvalidProtocolBufferException exception)
                {
                    throw ClientProtocolException.Unparsable(direction, messageType, exception);
                }
            });
    }
}
