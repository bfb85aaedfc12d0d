using System.Reflection;
using System.Text.RegularExpressions;
using GrpcServer.Generators.Diagnostics;
using GrpcServer.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace GrpcServer.Generators.Tests;

/// <summary>
/// Every diagnostic's help link leads to the section of docs/diagnostics.md that explains its ID, at the repository's
/// public address; while the repository has none, there is no link rather than one that leads nowhere.
/// </summary>
public sealed partial class DiagnosticHelpLinkTests
{
    /// <summary>Every descriptor of the generator and the analyzer, however the descriptors class is split.</summary>
    public static TheoryData<string> Ids()
    {
        var data = new TheoryData<string>();
        foreach (var descriptor in AllDescriptors().Select(d => d.Id).Distinct().Order(StringComparer.Ordinal))
        {
            data.Add(descriptor);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_link_target_is_a_section_of_docs_diagnostics_md_about_the_id(string id)
    {
        var sections = Sections(File.ReadAllText(Path.Combine(TestPaths.ProjectDirectory, "..", "..", "docs", "diagnostics.md")));

        // The anchor GitHub makes of a heading that is the ID alone, as the help link names it.
        Assert.True(sections.TryGetValue(HelpLinks.Anchor(id), out var heading), $"docs/diagnostics.md has no section '#{HelpLinks.Anchor(id)}' for {id}.");
        Assert.Equal(id, heading);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Help_link_is_that_section_at_the_repository_address_or_none_while_there_is_none(string id)
    {
        foreach (var descriptor in AllDescriptors().Where(d => d.Id == id))
        {
            Assert.Equal(HelpLinks.RepositoryUrl is null ? "" : HelpLinks.For(id, HelpLinks.RepositoryUrl), descriptor.HelpLinkUri);
        }
    }

    [Fact]
    public void Repository_has_no_public_address_yet_so_no_diagnostic_has_a_help_link()
    {
        // Directory.Build.props sets no RepositoryUrl (see its comment); when it does, this test goes, and the one above
        // checks the links.
        Assert.Null(HelpLinks.RepositoryUrl);
        Assert.All(AllDescriptors(), d => Assert.Equal("", d.HelpLinkUri));
    }

    [Fact]
    public void Help_link_at_a_repository_address_is_the_ids_section_of_the_document_on_main()
    {
        Assert.Equal("https://github.com/owner/repo/blob/main/docs/diagnostics.md#grpcsrv105", HelpLinks.For("GRPCSRV105", "https://github.com/owner/repo/"));
        Assert.Null(HelpLinks.For("GRPCSRV105", null));
    }

    private static IEnumerable<DiagnosticDescriptor> AllDescriptors() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);

    /// <summary>The document's headings by the anchor GitHub gives them: lower case, punctuation dropped, spaces to '-'.</summary>
    private static Dictionary<string, string> Sections(string markdown)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match heading in Heading().Matches(markdown))
        {
            var text = heading.Groups["text"].Value.Trim();
            var anchor = Punctuation().Replace(text.ToLowerInvariant(), "").Replace(' ', '-');
            sections.TryAdd(anchor, text);
        }

        return sections;
    }

    [GeneratedRegex(@"^#{1,6} (?<text>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\p{L}\p{Nd}\- _]")]
    private static partial Regex Punctuation();
}
