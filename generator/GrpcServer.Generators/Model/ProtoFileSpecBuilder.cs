using System.Collections.Generic;
using System.Linq;
using System.Globalization;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Model;

/// <summary>Parses one .proto file and reduces its tree to the <see cref="ProtoFileSpec"/> the generator needs.</summary>
internal static class ProtoFileSpecBuilder
{
    public static ProtoFileSpec Build(ProtoFileInput input)
    {
        var result = ProtoParser.Parse(input.Text);
        var file = result.File;
        var diagnostics = new List<DiagnosticInfo>();
        var hasSyntaxErrors = false;
        var declarations = ProtoDeclarations.Of(file);
        foreach (var error in ProtoError.SortByPosition(result.Errors.Concat(ProtoValidator.Validate(file, declarations))))
        {
            hasSyntaxErrors |= error.Kind == ProtoErrorKind.Syntax;
            diagnostics.Add(error.Kind switch
            {
                ProtoErrorKind.Syntax => DiagnosticInfo.Create(DiagnosticDescriptors.ProtoSyntaxError.Id, input.Path, error.Span, error.Message),
                ProtoErrorKind.DuplicateName => DiagnosticInfo.Create(
                    DiagnosticDescriptors.DuplicateName.Key(),
                    input.Path,
                    error.Span,
                    error.Message,
                    error.FirstDeclaration?.What ?? string.Empty,
                    (error.FirstDeclaration?.Line ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                _ => DiagnosticInfo.Create(DiagnosticDescriptors.InvalidProtoDeclaration.Id, input.Path, error.Span, error.Message),
            });
        }

        var package = file.Package ?? string.Empty;
        string? csharpNamespace = null;
        foreach (var option in file.Options)
        {
            if (option.Name == "csharp_namespace" && option.Kind == OptionValueKind.String)
            {
                csharpNamespace = option.Value;
            }
        }

        var @namespace = CSharpNaming.GetNamespace(package, csharpNamespace);
        // A name declared twice is the validator's to report; the spec keeps the first declaration of each.
        var context = new BuildContext(package, @namespace, GetDefaultVisibility(file), ProtoDeclarations.Firsts(declarations));

        var prefixForTypes = package.Length == 0 ? string.Empty : package + ".";
        AddOptions(context, file.Options, OptionTarget.File, prefixForTypes + "_");
        foreach (var message in file.Messages)
        {
            AddMessage(context, message, prefixForTypes, topLevel: true);
        }

        foreach (var @enum in file.Enums)
        {
            AddEnum(context, @enum, prefixForTypes, topLevel: true);
        }

        foreach (var extend in file.Extends)
        {
            AddExtend(context, extend, prefixForTypes);
        }

        var services = new List<ServiceSpec>();
        foreach (var service in file.Services)
        {
            var fullName = prefixForTypes + service.Name;
            context.Declare(fullName, "a service", service.NameSpan);
            AddOptions(context, service.Options, OptionTarget.Service, fullName + "._");
            var rpcs = new List<RpcSpec>();
            foreach (var rpc in service.Rpcs)
            {
                if (!context.Declare(fullName + "." + rpc.Name, "an rpc", rpc.NameSpan))
                {
                    continue;
                }

                AddOptions(context, rpc.Options, OptionTarget.Method, fullName + "." + rpc.Name + "._");

                rpcs.Add(new RpcSpec(
                    rpc.Name,
                    rpc.Comment,
                    rpc.NameSpan,
                    new TypeReferenceSpec(rpc.Request.Name, rpc.Request.Streaming, rpc.Request.Span),
                    new TypeReferenceSpec(rpc.Response.Name, rpc.Response.Streaming, rpc.Response.Span)));
            }

            services.Add(new ServiceSpec(service.Name, fullName, service.Comment, service.NameSpan, rpcs.ToEquatableArray()));
        }

        var imports = new List<ImportSpec>();
        foreach (var import in file.Imports)
        {
            imports.Add(new ImportSpec(import.Path, import.Kind, import.Span));
        }

        return new ProtoFileSpec(
            input.Path,
            input.ImportPath,
            input.ImportDirectories,
            package,
            @namespace,
            hasSyntaxErrors,
            imports.ToEquatableArray(),
            context.Types.ToEquatableArray(),
            services.ToEquatableArray(),
            context.EnumValues.ToEquatableArray(),
            context.TypeReferences.ToEquatableArray(),
            context.MapEntries.ToEquatableArray(),
            diagnostics.ToEquatableArray(),
            file.Edition is not null ? "editions" : file.Syntax ?? "proto2",
            context.Extensions.ToEquatableArray(),
            context.CustomOptions.ToEquatableArray());
    }

    /// <summary>Records the options of one element whose names have an extension part, for the resolver to look up.</summary>
    private static void AddOptions(BuildContext context, List<OptionNode> options, OptionTarget target, string scope)
    {
        foreach (var option in options)
        {
            if (option.Name.IndexOf('(') < 0)
            {
                continue;
            }

            var parts = ProtoValidator.SplitOptionName(option.Name);
            var index = parts[0].StartsWith("(", System.StringComparison.Ordinal) ? 0
                : parts.Count > 1 && parts[0] == "features" && parts[1].StartsWith("(", System.StringComparison.Ordinal) ? 1
                : -1;
            if (index < 0)
            {
                continue;
            }

            var extension = parts[index].Substring(1, parts[index].Length - 2);
            context.CustomOptions.Add(new CustomOptionSpec(
                option.Name,
                extension,
                IsLast: index == parts.Count - 1,
                index == 0 ? BuiltInOptions.MessageName(target) : "google.protobuf.FeatureSet",
                scope,
                option.Kind,
                option.Value,
                option.Span));
        }
    }

    /// <summary>
    /// The visibility of types without <c>export</c> or <c>local</c>: before edition 2024 every
    /// type is exported; from 2024 <c>option features.default_symbol_visibility</c> decides, and
    /// by default (<c>EXPORT_TOP_LEVEL</c>) nested types are local.
    /// </summary>
    private static DefaultVisibility GetDefaultVisibility(ProtoFileNode file)
    {
        if (!ProtoValidator.SupportsVisibility(file))
        {
            return DefaultVisibility.ExportAll;
        }

        var visibility = DefaultVisibility.ExportTopLevel;
        foreach (var option in file.Options)
        {
            if (option.Name == "features.default_symbol_visibility" && option.Kind == OptionValueKind.Identifier)
            {
                visibility = option.Value switch
                {
                    "EXPORT_ALL" => DefaultVisibility.ExportAll,
                    "LOCAL_ALL" or "STRICT" => DefaultVisibility.LocalAll,
                    _ => DefaultVisibility.ExportTopLevel,
                };
            }
        }

        return visibility;
    }

    private static TypeVisibility GetVisibility(BuildContext context, VisibilityModifier modifier, bool topLevel) => modifier switch
    {
        VisibilityModifier.Export => TypeVisibility.Exported,
        VisibilityModifier.Local => TypeVisibility.Local,
        _ => context.DefaultVisibility switch
        {
            DefaultVisibility.ExportAll => TypeVisibility.Exported,
            DefaultVisibility.ExportTopLevel when topLevel => TypeVisibility.Exported,
            _ => TypeVisibility.LocalByDefault,
        },
    };

    private static void AddMessage(BuildContext context, MessageNode message, string prefix, bool topLevel)
    {
        var fullName = prefix + message.Name;
        if (context.Declare(fullName, "a message", message.NameSpan))
        {
            var ranges = new List<ExtensionRangeSpec>();
            foreach (var range in message.ExtensionRanges)
            {
                ranges.Add(new ExtensionRangeSpec(range.From, range.To));
            }

            var fields = new List<MessageFieldSpec>();
            foreach (var field in message.Fields)
            {
                fields.Add(new MessageFieldSpec(field.Name, field.Group?.Name ?? field.TypeName, field.Group?.Name));
            }

            context.Types.Add(new TypeSpec(
                fullName,
                CSharpNaming.GetClassName(fullName, context.Package, context.Namespace),
                ProtoTypeKind.Message,
                message.NameSpan,
                GetVisibility(context, message.Visibility, topLevel),
                ranges.ToEquatableArray(),
                Fields: fields.ToEquatableArray()));
        }

        var nestedPrefix = fullName + ".";
        AddOptions(context, message.Options, OptionTarget.Message, nestedPrefix + "_");
        AddOptions(context, message.ExtensionRangeOptions, OptionTarget.ExtensionRange, nestedPrefix + "_");
        foreach (var oneof in message.Oneofs)
        {
            context.Declare(nestedPrefix + oneof.Name, "a oneof", oneof.NameSpan);
            AddOptions(context, oneof.Options, OptionTarget.Oneof, nestedPrefix + oneof.Name + "._");
        }

        foreach (var field in message.Fields)
        {
            context.Declare(nestedPrefix + field.Name, "a field", field.NameSpan);
            AddFieldType(context, field, nestedPrefix, $"field '{field.Name}' of message '{fullName}'");
            AddOptions(context, field.Options, OptionTarget.Field, nestedPrefix + field.Name + "._");
        }

        // protoc declares a nested entry message for each map field; it takes the name in the message's scope.
        foreach (var field in message.Fields)
        {
            if (field.MapKeyType is not null && field.Name.Length > 0)
            {
                var entry = nestedPrefix + ProtoDeclarations.MapEntryName(field.Name);
                if (context.Declare(entry, $"the entry type of map field '{field.Name}'", field.NameSpan))
                {
                    context.MapEntries.Add(entry);
                }
            }
        }

        foreach (var nested in message.Messages)
        {
            AddMessage(context, nested, nestedPrefix, topLevel: false);
        }

        foreach (var @enum in message.Enums)
        {
            AddEnum(context, @enum, nestedPrefix, topLevel: false);
        }

        foreach (var extend in message.Extends)
        {
            AddExtend(context, extend, nestedPrefix);
        }
    }

    private static void AddExtend(BuildContext context, ExtendNode extend, string prefix)
    {
        // protoc looks the extendee up from each extension's full name: the scope of the extend block.
        context.TypeReferences.Add(new FieldTypeSpec(extend.Extendee, prefix + "extend", $"'extend {extend.Extendee}'", IsExtendee: true, extend.ExtendeeSpan));
        foreach (var field in extend.Fields)
        {
            context.Declare(prefix + field.Name, "an extension", field.NameSpan);
            AddFieldType(context, field, prefix, $"extension '{field.Name}'");
            AddOptions(context, field.Options, OptionTarget.Field, prefix + field.Name + "._");
            if (field.Name.Length > 0)
            {
                context.Extensions.Add(new ExtensionSpec(
                    prefix + field.Name,
                    extend.Extendee,
                    prefix + field.Name,
                    field.MapValueType ?? field.TypeName,
                    field.Label == FieldLabel.Repeated,
                    field.Number,
                    field.NumberSpan));
            }
        }

        foreach (var group in extend.Groups)
        {
            AddMessage(context, group, prefix, topLevel: prefix.Length == 0 || prefix == context.Package + ".");
        }
    }

    /// <summary>Records the message or enum type a field names (not scalars, and not a group's own message).</summary>
    private static void AddFieldType(BuildContext context, FieldNode field, string prefix, string where)
    {
        var type = field.MapKeyType is not null ? field.MapValueType : field.Group is null ? field.TypeName : null;
        if (type is { Length: > 0 } && !ProtoParser.IsScalarType(type) && field.Name.Length > 0)
        {
            DefaultValueSpec? @default = null;
            foreach (var option in field.Options)
            {
                if (option.Name == "default" && field.MapKeyType is null)
                {
                    @default = new DefaultValueSpec(option.Kind, option.Value, option.Span);
                }
            }

            context.TypeReferences.Add(new FieldTypeSpec(type, prefix + field.Name, where, IsExtendee: false, field.TypeSpan, @default));
        }
    }

    private static void AddEnum(BuildContext context, EnumNode @enum, string prefix, bool topLevel)
    {
        var fullName = prefix + @enum.Name;
        if (context.Declare(fullName, "an enum", @enum.NameSpan))
        {
            var names = new List<string>();
            foreach (var value in @enum.Values)
            {
                names.Add(value.Name);
            }

            context.Types.Add(new TypeSpec(
                fullName,
                CSharpNaming.GetClassName(fullName, context.Package, context.Namespace),
                ProtoTypeKind.Enum,
                @enum.NameSpan,
                GetVisibility(context, @enum.Visibility, topLevel),
                EnumValues: names.ToEquatableArray()));
        }

        AddOptions(context, @enum.Options, OptionTarget.Enum, fullName + "._");

        // Enum values are scoped beside their enum (C++ style), not inside it.
        foreach (var value in @enum.Values)
        {
            AddOptions(context, value.Options, OptionTarget.EnumValue, fullName + "." + value.Name + "._");
            if (context.Declare(prefix + value.Name, "an enum value", value.NameSpan))
            {
                context.EnumValues.Add(prefix + value.Name);
            }
        }
    }

    private enum DefaultVisibility
    {
        ExportAll,
        ExportTopLevel,
        LocalAll,
    }

    private sealed class BuildContext
    {
        private readonly HashSet<(string FullName, int Offset)> _firsts;

        public BuildContext(string package, string @namespace, DefaultVisibility defaultVisibility, HashSet<(string FullName, int Offset)> firsts)
        {
            Package = package;
            Namespace = @namespace;
            DefaultVisibility = defaultVisibility;
            _firsts = firsts;
        }

        public DefaultVisibility DefaultVisibility { get; }

        public string Package { get; }

        public string Namespace { get; }

        public List<TypeSpec> Types { get; } = new();

        public List<string> EnumValues { get; } = new();

        public List<string> MapEntries { get; } = new();

        public List<FieldTypeSpec> TypeReferences { get; } = new();

        public List<ExtensionSpec> Extensions { get; } = new();

        public List<CustomOptionSpec> CustomOptions { get; } = new();

        /// <summary>Whether this is the first declaration of <paramref name="fullName"/> in the file (the one the spec keeps).</summary>
        public bool Declare(string fullName, string what, SourceSpan span) => _firsts.Contains((fullName, span.Start.Offset));
    }
}
