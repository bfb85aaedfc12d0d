using System;
using System.Collections.Generic;

namespace GrpcServer.Internal;

/// <summary>The shared handler rules (<see cref="HandlerFit{TType}"/>) over <see cref="Type"/>, for one RPC's messages.</summary>
internal sealed class DescriptorHandlerFit(RpcDescriptor rpc) : HandlerFit<Type>(rpc.RpcKind, rpc.FullName)
{
    protected override Type Context => typeof(Context);

    /// <summary>The <see cref="ArgumentException"/> <c>AddHandler</c> throws for a handler that fits none of the RPC's shapes.</summary>
    public static ArgumentException DoesNotFit(RpcDescriptor rpc, Delegate handler) =>
        new(RpcMessages.Format(RpcMessages.HandlerDoesNotFit, new DescriptorHandlerFit(rpc).DoesNotFit(handler.GetType())), nameof(handler));

    protected override Type MessageIn(MessageForm form, bool request) => rpc.MessageIn(form, request);

    // Variance converts references only; a value type is assignable to object by boxing, which no delegate does.
    protected override bool IsAssignable(Type from, Type to) => from == to || (!from.IsValueType && to.IsAssignableFrom(from));

    protected override bool TryDecompose(Type handler, out IReadOnlyList<Type> parameters, out Type? result)
    {
        parameters = [];
        result = null;
        if (handler == typeof(Action))
        {
            return true;
        }

        if (!handler.IsGenericType || handler.Namespace != HandlerShapes.FuncNamespace)
        {
            return false;
        }

        var name = handler.Name;
        var arguments = handler.GetGenericArguments();
        if (name.StartsWith(HandlerShapes.FuncName + "`", StringComparison.Ordinal))
        {
            parameters = arguments.AsSpan(0, arguments.Length - 1).ToArray();
            result = arguments[^1];
            return true;
        }

        if (name.StartsWith(HandlerShapes.ActionName + "`", StringComparison.Ordinal))
        {
            parameters = arguments;
            return true;
        }

        return false;
    }

    protected override string Display(Type type, bool qualified) => TypeNames.Format(type, qualified);
}
