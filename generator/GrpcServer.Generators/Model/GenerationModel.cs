using GrpcServer.Generators.Helpers;
using GrpcServer.Internal;

namespace GrpcServer.Generators.Model;

/// <summary>
/// Everything the generator emits, fully resolved to C# names. It holds no locations, so that
/// moving text in a .proto file (which changes only diagnostics) does not regenerate source.
/// </summary>
internal sealed record GenerationModel(EquatableArray<ServiceFileModel> Files)
{
    public static readonly GenerationModel Empty = new(EquatableArray<ServiceFileModel>.Empty);
}

/// <summary>The services of one .proto file, emitted as one source file.</summary>
/// <param name="HintName">The unique hint name of the generated file, e.g. <c>Protos.greet.proto.g.cs</c>.</param>
/// <param name="ProtoPath">The import path of the .proto file.</param>
/// <param name="Namespace">The C# namespace, or <c>""</c> for the global namespace.</param>
/// <param name="ReflectionClass">The <c>global::</c>-qualified class protoc generates for the file's descriptor, e.g. <c>global::Helloworld.GreetReflection</c>.</param>
/// <param name="Services">The services in declaration order.</param>
internal sealed record ServiceFileModel(string HintName, string ProtoPath, string Namespace, string ReflectionClass, EquatableArray<ServiceModel> Services);

/// <summary>A service whose rpcs resolved.</summary>
/// <param name="Package">The .proto package, or <c>""</c>.</param>
/// <param name="Name">The service name as declared.</param>
/// <param name="ClassName">The name of the generated descriptor class, <c>&lt;Name&gt;Rpcs</c>.</param>
/// <param name="QualifiedClassName">The <c>global::</c>-qualified descriptor class name.</param>
/// <param name="Comment">The doc comment from the .proto, or <c>null</c>.</param>
/// <param name="Rpcs">The rpcs in declaration order.</param>
internal sealed record ServiceModel(string Package, string Name, string ClassName, string QualifiedClassName, string? Comment, EquatableArray<RpcModel> Rpcs)
{
    /// <summary>The service's protobuf full name, e.g. <c>helloworld.Greeter</c>.</summary>
    public string FullName => Package.Length == 0 ? Name : Package + "." + Name;
}

/// <summary>An rpc resolved to C# types.</summary>
/// <param name="Name">The rpc name as declared.</param>
/// <param name="MemberName">The C# member name of its descriptor field (escaped with <c>@</c> if a keyword).</param>
/// <param name="Kind">Unary or which side streams (the shared <see cref="RpcKind"/>).</param>
/// <param name="RequestType">The <c>global::</c>-qualified request message class.</param>
/// <param name="ResponseType">The <c>global::</c>-qualified response message class.</param>
/// <param name="Comment">The doc comment from the .proto, or <c>null</c>.</param>
/// <param name="HidesInheritedMember">Whether the member name hides a member of <c>object</c> (<c>Equals</c>, <c>ToString</c>, ...) and so needs <c>new</c>.</param>
internal sealed record RpcModel(string Name, string MemberName, RpcKind Kind, string RequestType, string ResponseType, string? Comment, bool HidesInheritedMember);
