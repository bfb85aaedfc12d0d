using System.Collections.Generic;
using System.Text;

namespace GrpcServer.Internal;

/// <summary>How a handler takes its request or returns its response: the message itself, or inside a wrapper type.</summary>
internal enum MessageForm
{
    Single,
    Task,
    Enumerable,
    AsyncEnumerable,
}

/// <summary>
/// The six handler delegate types, request first and <c>Context</c> last, as in the SR OS module:
/// <c>Func&lt;TRequest or IAsyncEnumerable&lt;TRequest&gt;, Context, response form&gt;</c>.
/// </summary>
internal enum HandlerShape
{
    Unary,
    AsyncUnary,
    ServerStreaming,
    AsyncServerStreaming,
    ClientStreaming,
    DuplexStreaming,
}

/// <summary>How type names are written: in messages, qualified to tell same-named types apart, or in generated code.</summary>
internal enum TypeNameStyle
{
    /// <summary><c>Func&lt;HelloRequest, Context, Task&lt;HelloReply&gt;&gt;</c>.</summary>
    Short,

    /// <summary><c>System.Func&lt;Helloworld.HelloRequest, GrpcServer.Context, System.Threading.Tasks.Task&lt;Helloworld.HelloReply&gt;&gt;</c>.</summary>
    Qualified,

    /// <summary>As <see cref="Qualified"/>, each name prefixed with <c>global::</c>.</summary>
    Global,
}

/// <summary>
/// The handler shapes each kind of RPC takes: the one table behind the runtime's messages, the analyzer's fit check
/// and messages, and the <c>AddHandler</c> overloads the generator writes.
/// </summary>
internal static class HandlerShapes
{
    public const string FuncNamespace = "System";

    public const string FuncName = "Func";

    public const string ActionName = "Action";

    public const string ContextNamespace = "GrpcServer";

    public const string ContextName = "Context";

    public static readonly HandlerShape[] All =
    [
        HandlerShape.Unary, HandlerShape.AsyncUnary, HandlerShape.ServerStreaming,
        HandlerShape.AsyncServerStreaming, HandlerShape.ClientStreaming, HandlerShape.DuplexStreaming,
    ];

    private static readonly HandlerShape[] s_unary = [HandlerShape.Unary, HandlerShape.AsyncUnary];
    private static readonly HandlerShape[] s_serverStreaming = [HandlerShape.ServerStreaming, HandlerShape.AsyncServerStreaming];
    private static readonly HandlerShape[] s_clientStreaming = [HandlerShape.ClientStreaming];
    private static readonly HandlerShape[] s_duplexStreaming = [HandlerShape.DuplexStreaming];

    /// <summary>The shapes a handler of an RPC of <paramref name="kind"/> may have, the plainer first.</summary>
    public static IReadOnlyList<HandlerShape> Of(RpcKind kind) => kind switch
    {
        RpcKind.Unary => s_unary,
        RpcKind.ServerStreaming => s_serverStreaming,
        RpcKind.ClientStreaming => s_clientStreaming,
        _ => s_duplexStreaming,
    };

    public static RpcKind KindOf(HandlerShape shape) => shape switch
    {
        HandlerShape.Unary or HandlerShape.AsyncUnary => RpcKind.Unary,
        HandlerShape.ServerStreaming or HandlerShape.AsyncServerStreaming => RpcKind.ServerStreaming,
        HandlerShape.ClientStreaming => RpcKind.ClientStreaming,
        _ => RpcKind.DuplexStreaming,
    };

    /// <summary>How every handler of an RPC of <paramref name="kind"/> takes its request: one, or a stream.</summary>
    public static MessageForm RequestForm(RpcKind kind) =>
        RpcKinds.ClientStreams(kind) ? MessageForm.AsyncEnumerable : MessageForm.Single;

    public static MessageForm ResponseForm(HandlerShape shape) => shape switch
    {
        HandlerShape.Unary => MessageForm.Single,
        HandlerShape.AsyncUnary or HandlerShape.ClientStreaming => MessageForm.Task,
        HandlerShape.ServerStreaming => MessageForm.Enumerable,
        _ => MessageForm.AsyncEnumerable,
    };

    /// <summary>What a handler of the shape does, for generated docs: <c>returns a task of its response</c>.</summary>
    public static string Summary(HandlerShape shape) => shape switch
    {
        HandlerShape.Unary => "a unary RPC that returns its response",
        HandlerShape.AsyncUnary => "a unary RPC that returns a task of its response",
        HandlerShape.ServerStreaming => "a server streaming RPC that returns a sequence of responses (a yield return iterator)",
        HandlerShape.AsyncServerStreaming => "a server streaming RPC that returns an asynchronous sequence of responses (an async iterator)",
        HandlerShape.ClientStreaming => "a client streaming RPC: it reads the requests and returns a task of one response",
        _ => "a bidirectional streaming RPC: an async iterator over the requests that yields responses",
    };

    /// <summary>The namespace of a wrapper type; <see langword="null"/> for <see cref="MessageForm.Single"/>.</summary>
    public static string? WrapperNamespace(MessageForm form) => form switch
    {
        MessageForm.Single => null,
        MessageForm.Task => "System.Threading.Tasks",
        _ => "System.Collections.Generic",
    };

    /// <summary>The name of a wrapper type (one type parameter); <see langword="null"/> for <see cref="MessageForm.Single"/>.</summary>
    public static string? WrapperName(MessageForm form) => form switch
    {
        MessageForm.Single => null,
        MessageForm.Task => "Task",
        MessageForm.Enumerable => "IEnumerable",
        _ => "IAsyncEnumerable",
    };

    /// <summary>The metadata name of a wrapper type, such as <c>System.Threading.Tasks.Task`1</c>.</summary>
    public static string? WrapperMetadataName(MessageForm form) =>
        WrapperName(form) is { } name ? WrapperNamespace(form) + "." + name + "`1" : null;

    /// <summary>A message type in a form: <c>Task&lt;HelloReply&gt;</c>, or the message itself.</summary>
    public static string Wrap(MessageForm form, string message, TypeNameStyle style = TypeNameStyle.Short) =>
        WrapperName(form) is { } name ? Name(WrapperNamespace(form)!, name, style) + "<" + message + ">" : message;

    /// <summary>
    /// A shape with the request and response type names filled in: <c>Func&lt;HelloRequest, Context, Task&lt;HelloReply&gt;&gt;</c>.
    /// The type names are written as given; <paramref name="style"/> applies to <c>Func</c>, <c>Context</c> and the wrappers.
    /// </summary>
    public static string Format(HandlerShape shape, string request, string response, TypeNameStyle style = TypeNameStyle.Short) =>
        new StringBuilder()
            .Append(Name(FuncNamespace, FuncName, style)).Append('<')
            .Append(Wrap(RequestForm(KindOf(shape)), request, style)).Append(", ")
            .Append(Name(ContextNamespace, ContextName, style)).Append(", ")
            .Append(Wrap(ResponseForm(shape), response, style)).Append('>')
            .ToString();

    /// <summary>The shapes an RPC takes, as messages list them: <c>Func&lt;A, Context, B&gt; or Func&lt;A, Context, Task&lt;B&gt;&gt;</c>.</summary>
    public static string Fitting(RpcKind kind, string request, string response, TypeNameStyle style = TypeNameStyle.Short)
    {
        var builder = new StringBuilder();
        foreach (var shape in Of(kind))
        {
            builder.Append(builder.Length == 0 ? "" : " or ").Append(Format(shape, request, response, style));
        }

        return builder.ToString();
    }

    /// <summary>What a handler's first parameter is called in messages: <c>request</c> or <c>request stream</c>.</summary>
    public static string RequestNoun(RpcKind kind) => RpcKinds.ClientStreams(kind) ? "request stream" : "request";

    private static string Name(string @namespace, string name, TypeNameStyle style) => style switch
    {
        TypeNameStyle.Short => name,
        TypeNameStyle.Qualified => @namespace + "." + name,
        _ => "global::" + @namespace + "." + name,
    };
}
