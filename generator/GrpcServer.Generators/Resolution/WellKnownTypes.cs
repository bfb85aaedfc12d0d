using System.Collections.Generic;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Helpers;
using GrpcServer.Generators.Model;
using GrpcServer.Generators.Parsing;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// The .proto files that ship with protoc (<c>google/protobuf/*.proto</c>), built in so that
/// importing them needs no AdditionalFile. Only their types matter: the C# classes live in
/// Google.Protobuf (<c>Google.Protobuf.WellKnownTypes</c>, <c>.Reflection</c>, <c>.Compiler</c>).
/// </summary>
internal static class WellKnownTypes
{
    private const string WellKnownNamespace = "Google.Protobuf.WellKnownTypes";

    /// <summary>The built-in files by import path.</summary>
    public static IReadOnlyDictionary<string, ProtoFileSpec> Files { get; } = Create();

    /// <summary>The built-in files' names, by import path (made once: the files never change).</summary>
    public static IReadOnlyDictionary<string, FileSymbols> Symbols { get; } = CreateSymbols();

    /// <summary>Whether <paramref name="file"/> is one of the built-in files (not a project file of the same import path).</summary>
    public static bool IsBuiltIn(ProtoFileSpec file) => Files.TryGetValue(file.ImportPath, out var builtIn) && ReferenceEquals(builtIn, file);

    private static Dictionary<string, FileSymbols> CreateSymbols()
    {
        var symbols = new Dictionary<string, FileSymbols>(System.StringComparer.Ordinal);
        foreach (var file in Files.Values)
        {
            symbols.Add(file.ImportPath, new FileSymbols(file));
        }

        return symbols;
    }

    /// <summary>The values of the built-in enums that options and defaults name (the others are not needed to check a file).</summary>
    private static EquatableArray<string> EnumValuesOf(string fullName) => fullName switch
    {
        "google.protobuf.NullValue" => new(new[] { "NULL_VALUE" }),
        "google.protobuf.Syntax" => new(new[] { "SYNTAX_PROTO2", "SYNTAX_PROTO3", "SYNTAX_EDITIONS" }),
        "google.protobuf.FieldOptions.OptionRetention" => new(new[] { "RETENTION_UNKNOWN", "RETENTION_RUNTIME", "RETENTION_SOURCE" }),
        "google.protobuf.FieldOptions.OptionTargetType" => new(new[] { "TARGET_TYPE_UNKNOWN", "TARGET_TYPE_FILE", "TARGET_TYPE_EXTENSION_RANGE", "TARGET_TYPE_MESSAGE", "TARGET_TYPE_FIELD", "TARGET_TYPE_ONEOF", "TARGET_TYPE_ENUM", "TARGET_TYPE_ENUM_ENTRY", "TARGET_TYPE_SERVICE", "TARGET_TYPE_METHOD" }),
        _ => default,
    };

    private static Dictionary<string, ProtoFileSpec> Create()
    {
        var files = new Dictionary<string, ProtoFileSpec>(System.StringComparer.Ordinal);
        void Add(string name, string package, string @namespace, string[] imports, params string[] types)
        {
            var path = "google/protobuf/" + name;
            var specs = new List<TypeSpec>();
            foreach (var type in types)
            {
                var kind = type.StartsWith("enum ", System.StringComparison.Ordinal) ? ProtoTypeKind.Enum : ProtoTypeKind.Message;
                var fullName = package + "." + (kind == ProtoTypeKind.Enum ? type.Substring(5) : type);
                // descriptor.proto's options messages and FeatureSet take extensions (custom options): 1000 to max.
                var ranges = fullName.StartsWith("google.protobuf.", System.StringComparison.Ordinal) && (fullName.EndsWith("Options", System.StringComparison.Ordinal) || fullName == "google.protobuf.FeatureSet")
                    ? new EquatableArray<ExtensionRangeSpec>(new[] { new ExtensionRangeSpec(1000, Parsing.ProtoParser.MaxFieldNumber) })
                    : default;
                specs.Add(new TypeSpec(fullName, CSharpNaming.GetClassName(fullName, package, @namespace), kind, default, ExtensionRanges: ranges, EnumValues: EnumValuesOf(fullName)));
            }

            var importSpecs = new List<ImportSpec>();
            foreach (var import in imports)
            {
                importSpecs.Add(new ImportSpec(import, ImportKind.Plain, default));
            }

            files.Add(path, new ProtoFileSpec(
                path,
                path,
                EquatableArray<string>.Empty,
                package,
                @namespace,
                HasSyntaxErrors: false,
                importSpecs.ToEquatableArray(),
                specs.ToEquatableArray(),
                EquatableArray<ServiceSpec>.Empty,
                EquatableArray<string>.Empty,
                EquatableArray<FieldTypeSpec>.Empty,
                EquatableArray<string>.Empty,
                EquatableArray<DiagnosticInfo>.Empty,
                name is "any.proto" or "api.proto" or "duration.proto" or "empty.proto" or "field_mask.proto" or "source_context.proto" or "struct.proto" or "timestamp.proto" or "type.proto" or "wrappers.proto" ? "proto3" : "proto2"));
        }

        var none = System.Array.Empty<string>();
        const string Pb = "google.protobuf";
        Add("any.proto", Pb, WellKnownNamespace, none, "Any");
        Add("api.proto", Pb, WellKnownNamespace, new[] { "google/protobuf/source_context.proto", "google/protobuf/type.proto" }, "Api", "Method", "Mixin");
        Add("duration.proto", Pb, WellKnownNamespace, none, "Duration");
        Add("empty.proto", Pb, WellKnownNamespace, none, "Empty");
        Add("field_mask.proto", Pb, WellKnownNamespace, none, "FieldMask");
        Add("source_context.proto", Pb, WellKnownNamespace, none, "SourceContext");
        Add("struct.proto", Pb, WellKnownNamespace, none, "Struct", "Value", "ListValue", "enum NullValue");
        Add("timestamp.proto", Pb, WellKnownNamespace, none, "Timestamp");
        Add(
            "type.proto",
            Pb,
            WellKnownNamespace,
            new[] { "google/protobuf/any.proto", "google/protobuf/source_context.proto" },
            "Type", "Field", "enum Field.Kind", "enum Field.Cardinality", "Enum", "EnumValue", "Option", "enum Syntax");
        Add(
            "wrappers.proto",
            Pb,
            WellKnownNamespace,
            none,
            "DoubleValue", "FloatValue", "Int64Value", "UInt64Value", "Int32Value", "UInt32Value", "BoolValue", "StringValue", "BytesValue");
        Add(
            "descriptor.proto",
            Pb,
            "Google.Protobuf.Reflection",
            none,
            "FileDescriptorSet", "FileDescriptorProto", "DescriptorProto", "DescriptorProto.ExtensionRange", "DescriptorProto.ReservedRange",
            "ExtensionRangeOptions", "ExtensionRangeOptions.Declaration", "enum ExtensionRangeOptions.VerificationState",
            "FieldDescriptorProto", "enum FieldDescriptorProto.Type", "enum FieldDescriptorProto.Label",
            "OneofDescriptorProto", "EnumDescriptorProto", "EnumDescriptorProto.EnumReservedRange", "EnumValueDescriptorProto",
            "ServiceDescriptorProto", "MethodDescriptorProto", "FileOptions", "enum FileOptions.OptimizeMode", "MessageOptions",
            "FieldOptions", "enum FieldOptions.CType", "enum FieldOptions.JSType", "enum FieldOptions.OptionRetention",
            "enum FieldOptions.OptionTargetType", "FieldOptions.EditionDefault", "FieldOptions.FeatureSupport", "OneofOptions", "EnumOptions",
            "EnumValueOptions", "ServiceOptions", "MethodOptions", "enum MethodOptions.IdempotencyLevel", "UninterpretedOption",
            "UninterpretedOption.NamePart", "FeatureSet", "FeatureSetDefaults", "FeatureSetDefaults.FeatureSetEditionDefault",
            "SourceCodeInfo", "SourceCodeInfo.Location", "GeneratedCodeInfo", "GeneratedCodeInfo.Annotation", "enum Edition", "enum SymbolVisibility");
        Add(
            "compiler/plugin.proto",
            "google.protobuf.compiler",
            "Google.Protobuf.Compiler",
            new[] { "google/protobuf/descriptor.proto" },
            "Version", "CodeGeneratorRequest", "CodeGeneratorResponse", "CodeGeneratorResponse.File", "enum CodeGeneratorResponse.Feature");
        Add("cpp_features.proto", "pb", "Pb", new[] { "google/protobuf/descriptor.proto" }, "CppFeatures");
        Add("java_features.proto", "pb", "Pb", new[] { "google/protobuf/descriptor.proto" }, "JavaFeatures");
        Add("go_features.proto", "pb", "Pb", new[] { "google/protobuf/descriptor.proto" }, "GoFeatures");
        return files;
    }
}
