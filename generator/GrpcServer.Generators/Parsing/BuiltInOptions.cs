using System.Collections.Generic;

namespace GrpcServer.Generators.Parsing;

/// <summary>The kind of element an option is written on, which decides its options message (<c>google.protobuf.FileOptions</c>, ...).</summary>
internal enum OptionTarget
{
    File,
    Message,
    Field,
    Oneof,
    Enum,
    EnumValue,
    Service,
    Method,
    ExtensionRange,
}

/// <summary>The type of a built-in option's value.</summary>
internal enum BuiltInOptionType
{
    Bool,
    String,
    Enum,
    Message,
}

/// <summary>A field of one of descriptor.proto's options messages: what <c>option name = value;</c> may set without an import.</summary>
internal sealed class BuiltInOption
{
    public BuiltInOption(string name, BuiltInOptionType type, string? enumType = null, params string[] enumValues)
    {
        Name = name;
        Type = type;
        EnumType = enumType;
        EnumValues = enumValues;
    }

    public string Name { get; }

    public BuiltInOptionType Type { get; }

    /// <summary>For an enum option, the enum's full name (for messages).</summary>
    public string? EnumType { get; }

    public string[] EnumValues { get; }
}

/// <summary>A field of <c>google.protobuf.FeatureSet</c>: its values, the elements it may be set on and the first edition that has it.</summary>
internal sealed class Feature
{
    public Feature(string name, string enumType, string[] values, int editionIntroduced, params OptionTarget[] targets)
    {
        Name = name;
        EnumType = enumType;
        Values = values;
        EditionIntroduced = editionIntroduced;
        Targets = targets;
    }

    public string Name { get; }

    public string EnumType { get; }

    /// <summary>The enum's values; the first is the <c>..._UNKNOWN</c> value no file may set.</summary>
    public string[] Values { get; }

    public int EditionIntroduced { get; }

    public OptionTarget[] Targets { get; }
}

/// <summary>
/// The options descriptor.proto declares (protoc 35, edition 2024), as protoc's option interpreter knows them without
/// any import; custom options (<c>(my.option)</c>) are extensions the resolver looks up among the files.
/// </summary>
internal static class BuiltInOptions
{
    private static readonly Dictionary<OptionTarget, Dictionary<string, BuiltInOption>> s_options = Create();

    private static readonly Dictionary<string, Feature> s_features = CreateFeatures();

    /// <summary>The full name of the options message of <paramref name="target"/>, e.g. <c>google.protobuf.FileOptions</c>.</summary>
    public static string MessageName(OptionTarget target) => "google.protobuf." + target switch
    {
        OptionTarget.File => "FileOptions",
        OptionTarget.Message => "MessageOptions",
        OptionTarget.Field => "FieldOptions",
        OptionTarget.Oneof => "OneofOptions",
        OptionTarget.Enum => "EnumOptions",
        OptionTarget.EnumValue => "EnumValueOptions",
        OptionTarget.Service => "ServiceOptions",
        OptionTarget.Method => "MethodOptions",
        _ => "ExtensionRangeOptions",
    };

    /// <summary>How protoc names the element kind in "cannot be set on an entity of type ..." (e.g. <c>field</c>).</summary>
    public static string ElementName(OptionTarget target) => target switch
    {
        OptionTarget.File => "file",
        OptionTarget.Message => "message",
        OptionTarget.Field => "field",
        OptionTarget.Oneof => "oneof",
        OptionTarget.Enum => "enum",
        OptionTarget.EnumValue => "enum value",
        OptionTarget.Service => "service",
        OptionTarget.Method => "rpc",
        _ => "extension range",
    };

    public static BuiltInOption? Find(OptionTarget target, string name) =>
        s_options[target].TryGetValue(name, out var option) ? option : null;

    public static Feature? FindFeature(string name) => s_features.TryGetValue(name, out var feature) ? feature : null;

    private static Dictionary<OptionTarget, Dictionary<string, BuiltInOption>> Create()
    {
        var features = new BuiltInOption("features", BuiltInOptionType.Message);
        var deprecated = new BuiltInOption("deprecated", BuiltInOptionType.Bool);
        var uninterpreted = new BuiltInOption("uninterpreted_option", BuiltInOptionType.Message);
        var featureSupport = new BuiltInOption("feature_support", BuiltInOptionType.Message);
        BuiltInOption Bool(string name) => new(name, BuiltInOptionType.Bool);
        BuiltInOption String(string name) => new(name, BuiltInOptionType.String);
        Dictionary<string, BuiltInOption> Of(params BuiltInOption[] options)
        {
            var map = new Dictionary<string, BuiltInOption>(System.StringComparer.Ordinal);
            foreach (var option in options)
            {
                map.Add(option.Name, option);
            }

            map.Add(uninterpreted.Name, uninterpreted);
            return map;
        }

        return new Dictionary<OptionTarget, Dictionary<string, BuiltInOption>>
        {
            [OptionTarget.File] = Of(
                String("java_package"), String("java_outer_classname"), Bool("java_multiple_files"), Bool("java_generate_equals_and_hash"),
                Bool("java_string_check_utf8"), new("optimize_for", BuiltInOptionType.Enum, "google.protobuf.FileOptions.OptimizeMode", "SPEED", "CODE_SIZE", "LITE_RUNTIME"),
                String("go_package"), Bool("cc_generic_services"), Bool("java_generic_services"), Bool("py_generic_services"), deprecated,
                Bool("cc_enable_arenas"), String("objc_class_prefix"), String("csharp_namespace"), String("swift_prefix"), String("php_class_prefix"),
                String("php_namespace"), String("php_metadata_namespace"), String("ruby_package"), features),
            [OptionTarget.Message] = Of(
                Bool("message_set_wire_format"), Bool("no_standard_descriptor_accessor"), deprecated, Bool("map_entry"),
                Bool("deprecated_legacy_json_field_conflicts"), features),
            [OptionTarget.Field] = Of(
                new("ctype", BuiltInOptionType.Enum, "google.protobuf.FieldOptions.CType", "STRING", "CORD", "STRING_PIECE"), Bool("packed"),
                new("jstype", BuiltInOptionType.Enum, "google.protobuf.FieldOptions.JSType", "JS_NORMAL", "JS_STRING", "JS_NUMBER"), Bool("lazy"),
                Bool("unverified_lazy"), deprecated, Bool("weak"), Bool("debug_redact"),
                new("retention", BuiltInOptionType.Enum, "google.protobuf.FieldOptions.OptionRetention", "RETENTION_UNKNOWN", "RETENTION_RUNTIME", "RETENTION_SOURCE"),
                new("targets", BuiltInOptionType.Enum, "google.protobuf.FieldOptions.OptionTargetType", "TARGET_TYPE_UNKNOWN", "TARGET_TYPE_FILE", "TARGET_TYPE_EXTENSION_RANGE", "TARGET_TYPE_MESSAGE", "TARGET_TYPE_FIELD", "TARGET_TYPE_ONEOF", "TARGET_TYPE_ENUM", "TARGET_TYPE_ENUM_ENTRY", "TARGET_TYPE_SERVICE", "TARGET_TYPE_METHOD"),
                new("edition_defaults", BuiltInOptionType.Message), features, featureSupport),
            [OptionTarget.Oneof] = Of(features),
            [OptionTarget.Enum] = Of(Bool("allow_alias"), deprecated, Bool("deprecated_legacy_json_field_conflicts"), features),
            [OptionTarget.EnumValue] = Of(deprecated, features, Bool("debug_redact"), featureSupport),
            [OptionTarget.Service] = Of(features, deprecated),
            [OptionTarget.Method] = Of(deprecated, new("idempotency_level", BuiltInOptionType.Enum, "google.protobuf.MethodOptions.IdempotencyLevel", "IDEMPOTENCY_UNKNOWN", "NO_SIDE_EFFECTS", "IDEMPOTENT"), features),
            [OptionTarget.ExtensionRange] = Of(
                new("declaration", BuiltInOptionType.Message), features,
                new("verification", BuiltInOptionType.Enum, "google.protobuf.ExtensionRangeOptions.VerificationState", "DECLARATION", "UNVERIFIED")),
        };
    }

    private static Dictionary<string, Feature> CreateFeatures()
    {
        var all = new[]
        {
            OptionTarget.File, OptionTarget.ExtensionRange, OptionTarget.Message, OptionTarget.Field, OptionTarget.Oneof,
            OptionTarget.Enum, OptionTarget.EnumValue, OptionTarget.Service, OptionTarget.Method,
        };
        var features = new[]
        {
            new Feature("field_presence", "google.protobuf.FeatureSet.FieldPresence", ["FIELD_PRESENCE_UNKNOWN", "EXPLICIT", "IMPLICIT", "LEGACY_REQUIRED"], 2023, OptionTarget.Field, OptionTarget.File),
            new Feature("enum_type", "google.protobuf.FeatureSet.EnumType", ["ENUM_TYPE_UNKNOWN", "OPEN", "CLOSED"], 2023, OptionTarget.Enum, OptionTarget.File),
            new Feature("repeated_field_encoding", "google.protobuf.FeatureSet.RepeatedFieldEncoding", ["REPEATED_FIELD_ENCODING_UNKNOWN", "PACKED", "EXPANDED"], 2023, OptionTarget.Field, OptionTarget.File),
            new Feature("utf8_validation", "google.protobuf.FeatureSet.Utf8Validation", ["UTF8_VALIDATION_UNKNOWN", "VERIFY", "NONE"], 2023, OptionTarget.Field, OptionTarget.File),
            new Feature("message_encoding", "google.protobuf.FeatureSet.MessageEncoding", ["MESSAGE_ENCODING_UNKNOWN", "LENGTH_PREFIXED", "DELIMITED"], 2023, OptionTarget.Field, OptionTarget.File),
            new Feature("json_format", "google.protobuf.FeatureSet.JsonFormat", ["JSON_FORMAT_UNKNOWN", "ALLOW", "LEGACY_BEST_EFFORT"], 2023, OptionTarget.Message, OptionTarget.Enum, OptionTarget.File),
            new Feature("enforce_naming_style", "google.protobuf.FeatureSet.EnforceNamingStyle", ["ENFORCE_NAMING_STYLE_UNKNOWN", "STYLE2024", "STYLE_LEGACY"], 2024, all),
            new Feature("default_symbol_visibility", "google.protobuf.FeatureSet.VisibilityFeature.DefaultSymbolVisibility", ["DEFAULT_SYMBOL_VISIBILITY_UNKNOWN", "EXPORT_ALL", "EXPORT_TOP_LEVEL", "LOCAL_ALL", "STRICT"], 2024, OptionTarget.File),
        };
        var map = new Dictionary<string, Feature>(System.StringComparer.Ordinal);
        foreach (var feature in features)
        {
            map.Add(feature.Name, feature);
        }

        return map;
    }
}
