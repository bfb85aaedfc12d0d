using System.Collections.Generic;
using System.Globalization;

namespace GrpcServer.Internal;

/// <summary>
/// The text of every mistake <c>AddHandler</c> reports: the runtime formats these into its <c>ArgumentException</c>s and
/// the analyzer's diagnostic descriptors use them as message formats, so build time and run time say the same words.
/// </summary>
internal static class RpcMessages
{
    /// <summary>{0} service name as given, {1} <see cref="Suggestion"/> or empty, {2} every declared service.</summary>
    public const string UnknownService = "No service '{0}' is declared in this project's .proto files. {1}Declared services: {2}.";

    /// <summary>{0} service full name, {1} RPC name as given, {2} <see cref="Suggestion"/> or empty, {3} the service's RPCs.</summary>
    public const string UnknownRpc = "Service '{0}' has no RPC '{1}'. {2}Its RPCs: {3}.";

    /// <summary>{0} service name as given, {1} package as given, {2} <see cref="Suggestion"/> or empty, {3} where the service is declared.</summary>
    public const string UnknownPackage = "Service '{0}' is not declared in package '{1}'. {2}It is declared in: {3}.";

    /// <summary>{0} service name, {1} its full names.</summary>
    public const string AmbiguousService = "Service '{0}' is declared in more than one package ({1}); pass package: to say which.";

    /// <summary>{0} the RPC (<see cref="RpcDescription"/>), {1} the handler's type, {2} the shapes that fit, {3} what to change (each sentence after a space) or empty.</summary>
    public const string HandlerDoesNotFit = "The handler does not fit the {0}: the handler is a {1}; this RPC takes a {2}.{3}";

    /// <summary>{0} the RPC (<see cref="RpcDescription"/>).</summary>
    public const string AlreadyHasHandler = "The {0} already has a handler; an RPC takes exactly one.";

    /// <summary>{0} kind name, {1} full method name, {2} request type, {3} response type.</summary>
    public const string RpcDescription = "{0} RPC {1} ({2} to {3})";

    /// <summary>{0} the closest name; followed by the next sentence.</summary>
    public const string Suggestion = "Did you mean '{0}'? ";

    /// <summary>Advice, {0} <c>request</c> or <c>request stream</c>.</summary>
    public const string AddContext = "Add a Context parameter after the {0}.";

    /// <summary>Advice, {0} <c>request</c> or <c>request stream</c>.</summary>
    public const string TakeTwoParameters = "A handler takes two parameters: the {0} and a Context.";

    /// <summary>Advice, {0} the type of the handler's second parameter.</summary>
    public const string SecondParameterIsContext = "The second parameter must be a Context, not a {0}.";

    /// <summary>Advice, {0} the request type the RPC passes, {1} the handler's first parameter type.</summary>
    public const string TakeRequest = "Take {0}, not {1}.";

    /// <summary>Advice, {0} the response types that fit, {1} the handler's return type.</summary>
    public const string ReturnResponse = "Return {0}, not {1}.";

    /// <summary>Advice for a handler that returns nothing, {0} the response types that fit.</summary>
    public const string ReturnSomething = "Return {0}.";

    /// <summary>Advice for a delegate type other than <c>Func</c> and <c>Action</c>.</summary>
    public const string UseFunc = "Pass a lambda, a method, or a Func of one of these shapes.";

    /// <summary>Where a list is empty: a service without RPCs.</summary>
    public const string None = "none";

    public static string Format(string format, params object[] arguments) =>
        string.Format(CultureInfo.InvariantCulture, format, arguments);

    /// <summary>Names as messages list them: <c>a, b, c</c>, or <see cref="None"/>.</summary>
    public static string List(IEnumerable<string> names)
    {
        var list = string.Join(", ", names);
        return list.Length == 0 ? None : list;
    }
}
