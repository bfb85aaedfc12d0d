using System.Collections.Generic;
using System.Text;

namespace GrpcServer.Internal;

/// <summary>
/// Whether a handler's delegate type fits an RPC, and the message that says why not. Written once over an abstract
/// type, so that the analyzer (over Roslyn's <c>ITypeSymbol</c>) and the runtime (over <c>System.Type</c>) apply
/// the same rule, delegate variance: each parameter takes what the RPC passes, the result is what the RPC sends.
/// </summary>
/// <typeparam name="TType">How the side that checks sees types.</typeparam>
internal abstract class HandlerFit<TType>
    where TType : class
{
    protected HandlerFit(RpcKind kind, string fullName)
    {
        Kind = kind;
        FullName = fullName;
    }

    public RpcKind Kind { get; }

    /// <summary>The RPC's full method name, such as <c>/helloworld.Greeter/SayHello</c>.</summary>
    public string FullName { get; }

    protected abstract TType Context { get; }

    /// <summary>The RPC's request (or response) type in a form: <c>IAsyncEnumerable&lt;TRequest&gt;</c>, <c>Task&lt;TResponse&gt;</c>, ...</summary>
    protected abstract TType MessageIn(MessageForm form, bool request);

    /// <summary>An identity or implicit reference conversion: what delegate variance allows.</summary>
    protected abstract bool IsAssignable(TType from, TType to);

    /// <summary>
    /// The parameter types and the result type (<see langword="null"/> for <c>void</c>) of a <c>System.Func</c> or
    /// <c>System.Action</c> type; <see langword="false"/> for any other type.
    /// </summary>
    protected abstract bool TryDecompose(TType handler, out IReadOnlyList<TType> parameters, out TType? result);

    /// <summary>A type's name as messages write it: without namespaces, or with them to tell same-named types apart.</summary>
    protected abstract string Display(TType type, bool qualified);

    /// <summary>The shape a handler of this type serves the RPC as; <see langword="null"/> when it fits none.</summary>
    public HandlerShape? ShapeOf(TType handler)
    {
        if (!TryDecompose(handler, out var parameters, out var result)
            || result is null
            || parameters.Count != 2
            || !IsAssignable(MessageIn(HandlerShapes.RequestForm(Kind), request: true), parameters[0])
            || !IsAssignable(Context, parameters[1]))
        {
            return null;
        }

        foreach (var shape in HandlerShapes.Of(Kind))
        {
            if (IsAssignable(result, MessageIn(HandlerShapes.ResponseForm(shape), request: false)))
            {
                return shape;
            }
        }

        return null;
    }

    /// <summary>The RPC as messages describe it: <c>unary RPC /helloworld.Greeter/SayHello (HelloRequest to HelloReply)</c>.</summary>
    public string Describe(bool qualified = false) =>
        RpcKinds.Describe(Kind, FullName, Display(MessageIn(MessageForm.Single, request: true), qualified), Display(MessageIn(MessageForm.Single, request: false), qualified));

    /// <summary>The arguments of <see cref="RpcMessages.HandlerDoesNotFit"/> for a handler that fits no shape.</summary>
    public object[] DoesNotFit(TType handler)
    {
        // Names without namespaces read best, unless a handler type and a type it should be are then spelt alike.
        var message = new Mismatch(this, handler, qualified: false);
        if (message.SpeltAlike)
        {
            message = new Mismatch(this, handler, qualified: true);
        }

        return [Describe(message.Qualified), message.Handler, message.Fitting, message.Advice];
    }

    /// <summary>The parts of the message, with type names written one way.</summary>
    private sealed class Mismatch
    {
        private readonly HandlerFit<TType> _fit;
        private readonly StringBuilder _advice = new();

        public Mismatch(HandlerFit<TType> fit, TType handler, bool qualified)
        {
            _fit = fit;
            Qualified = qualified;
            var style = qualified ? TypeNameStyle.Qualified : TypeNameStyle.Short;
            var request = Name(fit.MessageIn(MessageForm.Single, request: true));
            var response = Name(fit.MessageIn(MessageForm.Single, request: false));
            Handler = Name(handler);
            Fitting = HandlerShapes.Fitting(fit.Kind, request, response, style);
            foreach (var shape in HandlerShapes.Of(fit.Kind))
            {
                SpeltAlike |= HandlerShapes.Format(shape, request, response, style) == Handler;
            }

            if (!fit.TryDecompose(handler, out var parameters, out var result))
            {
                Say(RpcMessages.UseFunc);
                return;
            }

            // The request first, then the Context: the order of the parameters.
            var noun = HandlerShapes.RequestNoun(fit.Kind);
            var onlyContext = parameters.Count == 1 && fit.IsAssignable(fit.Context, parameters[0]);
            if (parameters.Count == 2 || (parameters.Count == 1 && !onlyContext))
            {
                Compare(fit.MessageIn(HandlerShapes.RequestForm(fit.Kind), request: true), parameters[0], RpcMessages.TakeRequest, expectedFirst: true);
            }

            if (parameters.Count == 2)
            {
                Compare(fit.Context, parameters[1], RpcMessages.SecondParameterIsContext, expectedFirst: false);
            }
            else if (parameters.Count == 1 && !onlyContext)
            {
                Say(RpcMessages.AddContext, noun);
            }
            else
            {
                Say(RpcMessages.TakeTwoParameters, noun);
            }

            CompareResult(result);
        }

        public bool Qualified { get; }

        public string Handler { get; }

        public string Fitting { get; }

        /// <summary>Whether a type the handler has and a type it should have are written the same way.</summary>
        public bool SpeltAlike { get; private set; }

        /// <summary>The sentences that say what to change, each after a space.</summary>
        public string Advice => _advice.ToString();

        private string Name(TType type) => _fit.Display(type, Qualified);

        private void Say(string format, params object[] arguments) => _advice.Append(' ').Append(RpcMessages.Format(format, arguments));

        /// <summary>A parameter that should take <paramref name="expected"/> (a <c>Context</c>, or the request) and does not.</summary>
        private void Compare(TType expected, TType actual, string format, bool expectedFirst)
        {
            if (_fit.IsAssignable(expected, actual))
            {
                return;
            }

            string expectedName = Name(expected), actualName = Name(actual);
            SpeltAlike |= expectedName == actualName;
            if (expectedFirst)
            {
                Say(format, expectedName, actualName);
            }
            else
            {
                Say(format, actualName);
            }
        }

        private void CompareResult(TType? result)
        {
            var fitting = new List<string>();
            foreach (var shape in HandlerShapes.Of(_fit.Kind))
            {
                var expected = _fit.MessageIn(HandlerShapes.ResponseForm(shape), request: false);
                if (result is not null && _fit.IsAssignable(result, expected))
                {
                    return;
                }

                fitting.Add(Name(expected));
            }

            var fittingNames = string.Join(" or ", fitting);
            if (result is null)
            {
                Say(RpcMessages.ReturnSomething, fittingNames);
                return;
            }

            var resultName = Name(result);
            SpeltAlike |= fitting.Contains(resultName);
            Say(RpcMessages.ReturnResponse, fittingNames, resultName);
        }
    }
}
