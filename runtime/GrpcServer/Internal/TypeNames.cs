using System;
using System.Text;

namespace GrpcServer.Internal;

/// <summary>
/// C#-like type names for error messages: <c>Func&lt;HelloRequest, Context, Task&lt;HelloReply&gt;&gt;</c>, or with
/// namespaces, as the analyzer writes the same types.
/// </summary>
internal static class TypeNames
{
    public static string Format(Type type, bool qualified = false)
    {
        var builder = new StringBuilder();
        Append(builder, type, qualified);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, Type type, bool qualified)
    {
        if (type.IsNested && !type.IsGenericParameter && type.DeclaringType is { } outer)
        {
            // protoc nests message types under Outer.Types; the outer names say which message is meant.
            Append(builder, outer, qualified);
            builder.Append('.');
        }
        else if (qualified && !type.IsGenericParameter && type.Namespace is { Length: > 0 } ns)
        {
            builder.Append(ns).Append('.');
        }

        if (!type.IsGenericType)
        {
            builder.Append(type.Name);
            return;
        }

        var name = type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        builder.Append(tick < 0 ? name : name.AsSpan(0, tick));
        builder.Append('<');
        var arguments = type.GetGenericArguments();
        for (var i = 0; i < arguments.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Append(builder, arguments[i], qualified);
        }

        builder.Append('>');
    }
}
