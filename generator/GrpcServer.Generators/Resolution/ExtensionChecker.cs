using System.Collections.Generic;
using System.Globalization;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Model;

namespace GrpcServer.Generators.Resolution;

/// <summary>
/// The rules of extensions that need the extended message, which may be declared in another file: its
/// <c>extensions</c> ranges must hold the number, no two extensions of one message in one file may share a number
/// (protoc only warns when they are in different files), and a proto3 file may extend only the options messages of
/// descriptor.proto (to declare custom options).
/// </summary>
internal sealed class ExtensionChecker
{
    private readonly ResolutionContext _context;

    /// <summary>The first extension of each (extended message, number) in the file being checked.</summary>
    private readonly Dictionary<(string Extendee, long Number), ExtensionSpec> _numbers = new();

    public ExtensionChecker(ResolutionContext context) => _context = context;

    public void Check(ProtoFileSpec file)
    {
        _numbers.Clear();
        foreach (var extension in file.Extensions)
        {
            var extendee = _context.Lookup(file, extension.Extendee, extension.Scope, typesOnly: false);
            if (extendee?.Type is not { Kind: ProtoTypeKind.Message } type)
            {
                // Unknown or not a message: TypeReferenceChecker reports it at the extend.
                continue;
            }

            if (file.Syntax == "proto3" && !IsOptionsMessage(type.FullName))
            {
                _context.Report(DiagnosticDescriptors.Proto3Extension, file, extension.NumberSpan, extension.FullName, type.FullName);
                continue;
            }

            if (!InRanges(type, extension.Number))
            {
                _context.Report(DiagnosticDescriptors.ExtensionNumberOutsideRanges, file, extension.NumberSpan, extension.FullName, Invariant(extension.Number), type.FullName, Describe(type));
                continue;
            }

            var key = (type.FullName, extension.Number);
            if (_numbers.TryGetValue(key, out var first))
            {
                _context.Report(DiagnosticDescriptors.ExtensionNumberUsed, file, extension.NumberSpan, Invariant(extension.Number), type.FullName, first.FullName);
            }
            else
            {
                _numbers.Add(key, extension);
            }
        }
    }

    private static bool IsOptionsMessage(string fullName) =>
        fullName.StartsWith("google.protobuf.", System.StringComparison.Ordinal) &&
        (fullName.EndsWith("Options", System.StringComparison.Ordinal) || fullName == "google.protobuf.FeatureSet");

    private static bool InRanges(TypeSpec type, long number)
    {
        foreach (var range in type.ExtensionRanges)
        {
            if (number >= range.From && number <= range.To)
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(TypeSpec type)
    {
        if (type.ExtensionRanges.IsEmpty)
        {
            return "none";
        }

        var parts = new List<string>();
        foreach (var range in type.ExtensionRanges)
        {
            parts.Add(range.From == range.To ? Invariant(range.From) : Invariant(range.From) + " to " + (range.To == Parsing.ProtoParser.MaxFieldNumber ? "max" : Invariant(range.To)));
        }

        return string.Join(", ", parts);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
