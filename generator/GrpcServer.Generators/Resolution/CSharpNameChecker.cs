using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Model;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// Names protoc accepts but its own C# generator turns into code that does not compile (GRPCSRV010, a warning): a
/// message or enum named like a C# keyword (protoc writes <c>class class</c>), a top-level type named like the file's
/// reflection class (<c>GreetReflection</c> in greet.proto), and a nested type named <c>Types</c> (it would sit in the
/// <c>Types</c> class protoc makes for nested types).
/// </summary>
internal sealed class CSharpNameChecker
{
    private readonly ResolutionContext _context;

    public CSharpNameChecker(ResolutionContext context) => _context = context;

    public void Check(ProtoFileSpec file)
    {
        var reflectionClass = CSharpNaming.GetReflectionClassName(file.ImportPath, file.CSharpNamespace);
        var prefix = file.Package.Length == 0 ? string.Empty : file.Package + ".";
        foreach (var type in file.Types)
        {
            var relative = type.FullName.Substring(prefix.Length);
            var name = relative.Substring(relative.LastIndexOf('.') + 1);
            var kind = type.Kind == ProtoTypeKind.Enum ? "enum" : "message";
            if (CSharpNaming.IsKeyword(name))
            {
                _context.Report(DiagnosticDescriptors.ProtocCSharpNameProblem, file, type.Span, kind, type.FullName, name);
            }
            else if (type.CSharpName == reflectionClass)
            {
                _context.Report(DiagnosticDescriptors.ProtocCSharpNameIsReflectionClass, file, type.Span, kind, type.FullName, reflectionClass);
            }
            else if (name == "Types" && relative.IndexOf('.') >= 0)
            {
                _context.Report(DiagnosticDescriptors.ProtocCSharpNameIsTypes, file, type.Span, kind, type.FullName);
            }
        }
    }
}
