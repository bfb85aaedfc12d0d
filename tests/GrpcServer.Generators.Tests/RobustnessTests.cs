using GrpcServer.Generators.Parsing;
using static GrpcServer.Generators.Tests.Infrastructure.GeneratorHarness;

namespace GrpcServer.Generators.Tests;

/// <summary>Malformed .proto input never crashes the generator: it becomes diagnostics.</summary>
public sealed class RobustnessTests
{
    private static readonly string[] Fragments = ["{", "}", ";", "(", ")", "<", ">", "[", "]", "=", "\"", "'", "/*", "//", "\\", ".", "-", "stream", "rpc", "message", "option", "\n", "0x", "1e", "\u00e9", "\0"];

    [Fact]
    public void Randomly_mutated_files_parse_without_throwing()
    {
        var original = Proto("shop/orders.proto").Text + Proto("language/proto2_kitchen.proto").Text;
        var random = new Random(20_240_611);

        for (var i = 0; i < 2_000; i++)
        {
            var text = Mutate(original, random);
            var result = ProtoParser.Parse(text);
            Assert.NotNull(result.File);
        }
    }

    [Fact]
    public void Generator_turns_garbage_into_diagnostics_and_still_generates_the_good_files()
    {
        var random = new Random(7);
        var garbage = new string(Enumerable.Range(0, 5_000).Select(_ => (char)random.Next(0, 0x2FFF)).ToArray());

        var result = Run(("garbage.proto", garbage), ("mutated.proto", Mutate(Proto("route_guide.proto").Text, random)), Proto("greet.proto"));

        Assert.Contains(result.Diagnostics(), d => d.Id == "GRPCSRV001" && d.Location.GetLineSpan().Path.EndsWith("garbage.proto", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Diagnostics(), d => d.Id == "GRPCSRV008");
        Assert.Contains("greet.proto.g.cs", result.Sources().Keys);
    }

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToList();
        for (var edits = random.Next(1, 8); edits > 0; edits--)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(3))
            {
                case 0:
                    chars.RemoveRange(at, Math.Min(random.Next(1, 20), chars.Count - at));
                    break;
                case 1:
                    chars.InsertRange(at, Fragments[random.Next(Fragments.Length)]);
                    break;
                default:
                    chars[at] = (char)random.Next(32, 127);
                    break;
            }
        }

        return new string(chars.ToArray());
    }
}
