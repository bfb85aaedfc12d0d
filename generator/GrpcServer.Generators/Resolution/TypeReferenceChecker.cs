using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// Checks that the types named by fields, map values, extensions and <c>extend</c> exist and are visible, as protoc
/// does (it looks field types up in <c>LOOKUP_TYPES</c> mode, skipping fields and services that have the name), and
/// that a field's <c>[default = ...]</c> fits its message or enum type. Nothing is generated from fields; this only
/// reports the mistakes protoc would reject the file for.
/// </summary>
internal sealed class TypeReferenceChecker
{
    private readonly ResolutionContext _context;

    public TypeReferenceChecker(ResolutionContext context) => _context = context;

    public void Check(ProtoFileSpec file)
    {
        foreach (var reference in file.TypeReferences)
        {
            var typesOnly = !reference.IsExtendee;
            var symbol = _context.Lookup(file, reference.Name, reference.Scope, typesOnly);
            if (symbol is null)
            {
                _context.ReportUnknown(file, reference.Span, reference.Name, reference.Context, reference.Scope, typesOnly);
            }
            else if (symbol.Visibility != TypeVisibility.Exported && symbol.File != file)
            {
                _context.ReportLocal(file, reference.Span, reference.Name, reference.Context, symbol);
            }
            else if (reference.IsExtendee ? symbol.Kind is not (SymbolKind.Message or SymbolKind.MapEntry) : !symbol.IsType)
            {
                _context.Report(
                    reference.IsExtendee ? DiagnosticDescriptors.UnknownTypeNotExtendable : DiagnosticDescriptors.UnknownTypeNotAType,
                    file,
                    reference.Span,
                    reference.Name,
                    reference.Context,
                    symbol.FullName,
                    Symbol.WithArticle(symbol.Kind));
            }
            else if (reference.Default is { } @default)
            {
                Default(file, reference, symbol, @default);
            }
        }
    }

    /// <summary>A message has no default; an enum's default is the name of one of its values.</summary>
    private void Default(ProtoFileSpec file, FieldTypeSpec reference, Symbol type, DefaultValueSpec @default)
    {
        if (type.Kind != SymbolKind.Enum)
        {
            _context.Report(DiagnosticDescriptors.MessageDefault, file, @default.Span, reference.Context);
            return;
        }

        var values = type.Type!.EnumValues;
        if (@default.Kind != OptionValueKind.Identifier || (!values.IsEmpty && !values.ToImmutableArray().Contains(@default.Value)))
        {
            _context.Report(DiagnosticDescriptors.EnumDefault, file, @default.Span, reference.Context, type.FullName, string.Join(", ", values), @default.Value);
        }
    }
}
