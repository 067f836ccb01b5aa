using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace LearningPlatform.Tests.Shared;

/// <summary>
/// Small tracks in the Exercism format (track <c>config.json</c>, <c>exercises/practice/&lt;slug&gt;/</c> with
/// <c>.meta/config.json</c>, <c>.docs</c>, stub, tests and example), written for these tests in the style the public
/// tracks use: unittest and parametrized pytest, ES-module Jest files importing from <c>@jest/globals</c>, xunit facts
/// and theories; every test after the first skipped, as tracks ship them. Per language: <c>shout</c> (easy) and
/// <c>count-vowels</c> (medium) are sound, <c>broken-example</c> (hard) has an example that fails its tests,
/// <c>old-thing</c> is deprecated, and one concept exercise is listed.
/// </summary>
public static class ExercismTracks
{
    public static readonly string[] Languages = ["python", "javascript", "csharp"];

    /// <summary>The track's files by path; change them before <see cref="Archive"/> to make variants.</summary>
    public static Dictionary<string, string> Files(string language) => language switch
    {
        "python" => Python(),
        "javascript" => JavaScript(),
        "csharp" => CSharp(),
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };

    /// <summary>The files as <c>git archive --format=tar.gz</c> makes them (a pax global header first), or under one top
    /// folder as GitHub's tarballs have them.</summary>
    public static byte[] Archive(Dictionary<string, string> files, string? topFolder = null)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "0123456789abcdef0123456789abcdef01234567" }));
            foreach (var (path, content) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = new PaxTarEntry(TarEntryType.RegularFile, topFolder is null ? path : $"{topFolder}/{path}")
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
                };
                tar.WriteEntry(entry);
            }
        }

        return output.ToArray();
    }

    public static byte[] Archive(string language) => Archive(Files(language));

    private static string TrackConfig(string language, string slug, string solution, string test, string example) => $$"""
        {
          "language": "{{language}}",
          "slug": "{{slug}}",
          "active": true,
          "blurb": "A small fixture track in {{language}}.",
          "version": 3,
          "files": { "solution": ["{{solution}}"], "test": ["{{test}}"], "example": ["{{example}}"] },
          "exercises": {
            "concept": [
              { "slug": "first-steps", "name": "First Steps", "uuid": "5d1f9a8e-0000-4000-8000-000000000001", "concepts": ["strings"], "prerequisites": ["basics"], "status": "beta" }
            ],
            "practice": [
              { "slug": "shout", "name": "Shout", "uuid": "5d1f9a8e-0000-4000-8000-000000000002", "practices": ["strings"], "prerequisites": ["basics"], "difficulty": 1 },
              { "slug": "count-vowels", "name": "Count Vowels", "uuid": "5d1f9a8e-0000-4000-8000-000000000003", "practices": ["loops"], "prerequisites": ["strings"], "difficulty": 4 },
              { "slug": "broken-example", "name": "Broken Example", "uuid": "5d1f9a8e-0000-4000-8000-000000000004", "practices": [], "prerequisites": [], "difficulty": 9 },
              { "slug": "old-thing", "name": "Old Thing", "uuid": "5d1f9a8e-0000-4000-8000-000000000005", "practices": [], "prerequisites": [], "difficulty": 2, "status": "deprecated" }
            ],
            "foregone": []
          },
          "concepts": [
            { "uuid": "5d1f9a8e-0000-4000-8000-000000000010", "slug": "basics", "name": "Basics" },
            { "uuid": "5d1f9a8e-0000-4000-8000-000000000011", "slug": "strings", "name": "Strings" }
          ],
          "tags": ["paradigm/imperative"]
        }
        """;

    private static string Meta(string solution, string test, string example) => $$"""
        {
          "authors": ["fixture-author"],
          "files": { "solution": ["{{solution}}"], "test": ["{{test}}"], "example": ["{{example}}"] },
          "blurb": "A fixture exercise."
        }
        """;

    private static void Docs(Dictionary<string, string> files, string slug, string instructions, string? hints = null)
    {
        var dir = $"exercises/practice/{slug}/.docs/";
        files[dir + "instructions.md"] = $"# Instructions\n\n{instructions}\n";
        if (hints is not null)
        {
            files[dir + "hints.md"] = hints;
        }
    }

    private const string ShoutHints = "# Hints\n\n## General\n\n- Strings can change their case.\n\n## Punctuation\n\n- The mark goes at the very end.\n";

    private static Dictionary<string, string> Python()
    {
        var files = new Dictionary<string, string>
        {
            ["config.json"] = TrackConfig("Python", "python", "%{snake_slug}.py", "%{snake_slug}_test.py", ".meta/example.py"),
            ["README.md"] = "A fixture track.\n",
            ["exercises/practice/shout/.meta/config.json"] = Meta("shout.py", "shout_test.py", ".meta/example.py"),
            ["exercises/practice/shout/shout.py"] = "def shout(text):\n    pass\n",
            ["exercises/practice/shout/.meta/example.py"] = "def shout(text):\n    return text.upper() + \"!\"\n",
            ["exercises/practice/shout/shout_test.py"] = """
                import unittest

                import pytest

                from shout import shout


                class ShoutTest(unittest.TestCase):
                    def test_a_word(self):
                        self.assertEqual(shout("hey"), "HEY!")

                    @pytest.mark.skip
                    def test_a_sentence(self):
                        self.assertEqual(shout("come here"), "COME HERE!")
                """,
            ["exercises/practice/count-vowels/.meta/config.json"] = Meta("count_vowels.py", "count_vowels_test.py", ".meta/example.py"),
            ["exercises/practice/count-vowels/count_vowels.py"] = "def count_vowels(text):\n    pass\n",
            ["exercises/practice/count-vowels/.meta/example.py"] = "def count_vowels(text):\n    return sum(1 for c in text.lower() if c in \"aeiou\")\n",
            ["exercises/practice/count-vowels/count_vowels_test.py"] = """
                import pytest

                from count_vowels import count_vowels


                @pytest.mark.parametrize("text,expected", [("", 0), ("aeiou", 5), ("Python", 1)])
                def test_counts(text, expected):
                    assert count_vowels(text) == expected
                """,
            ["exercises/practice/broken-example/.meta/config.json"] = Meta("broken_example.py", "broken_example_test.py", ".meta/example.py"),
            ["exercises/practice/broken-example/broken_example.py"] = "def answer():\n    pass\n",
            ["exercises/practice/broken-example/.meta/example.py"] = "def answer():\n    return 41\n",
            ["exercises/practice/broken-example/broken_example_test.py"] = "from broken_example import answer\n\n\ndef test_answer():\n    assert answer() == 42\n",
        };
        Docs(files, "shout", "Make `text` loud: upper case, then an exclamation mark.", ShoutHints);
        Docs(files, "count-vowels", "Count the vowels (`a e i o u`) of a text, in either case.");
        Docs(files, "broken-example", "Return the answer.");
        return files;
    }

    private static Dictionary<string, string> JavaScript()
    {
        var files = new Dictionary<string, string>
        {
            ["config.json"] = TrackConfig("JavaScript", "javascript", "%{kebab_slug}.js", "%{kebab_slug}.spec.js", ".meta/proof.ci.js"),
            ["package.json"] = "{ \"name\": \"fixture-track\", \"private\": true, \"type\": \"module\" }\n",
            ["exercises/practice/shout/.meta/config.json"] = Meta("shout.js", "shout.spec.js", ".meta/proof.ci.js"),
            ["exercises/practice/shout/shout.js"] = "export const shout = (text) => {\n  throw new Error('Remove this line and implement the function');\n};\n",
            ["exercises/practice/shout/.meta/proof.ci.js"] = "export const shout = (text) => `${text.toUpperCase()}!`;\n",
            ["exercises/practice/shout/package.json"] = "{ \"name\": \"shout\", \"private\": true }\n",
            ["exercises/practice/shout/shout.spec.js"] = """
                import { describe, expect, test, xtest } from '@jest/globals';
                import { shout } from './shout';

                describe('shout', () => {
                  test('a word', () => {
                    expect(shout('hey')).toEqual('HEY!');
                  });

                  xtest('a sentence', () => {
                    expect(shout('come here')).toEqual('COME HERE!');
                  });
                });
                """,
            ["exercises/practice/count-vowels/.meta/config.json"] = Meta("count-vowels.js", "count-vowels.spec.js", ".meta/proof.ci.js"),
            ["exercises/practice/count-vowels/count-vowels.js"] = "export const countVowels = () => {\n  throw new Error('Remove this line and implement the function');\n};\n",
            ["exercises/practice/count-vowels/.meta/proof.ci.js"] = "export const countVowels = (text) => [...text.toLowerCase()].filter((c) => 'aeiou'.includes(c)).length;\n",
            ["exercises/practice/count-vowels/count-vowels.spec.js"] = """
                import { describe, expect, test } from '@jest/globals';
                import { countVowels } from './count-vowels';

                describe('countVowels', () => {
                  test.each([
                    ['', 0],
                    ['aeiou', 5],
                    ['Python', 1],
                  ])('counts the vowels of %p', (text, expected) => {
                    expect(countVowels(text)).toBe(expected);
                  });
                });
                """,
            ["exercises/practice/broken-example/.meta/config.json"] = Meta("broken-example.js", "broken-example.spec.js", ".meta/proof.ci.js"),
            ["exercises/practice/broken-example/broken-example.js"] = "export const answer = () => {\n  throw new Error('Remove this line and implement the function');\n};\n",
            ["exercises/practice/broken-example/.meta/proof.ci.js"] = "export const answer = () => 41;\n",
            ["exercises/practice/broken-example/broken-example.spec.js"] = "import { expect, test } from '@jest/globals';\nimport { answer } from './broken-example';\n\ntest('the answer', () => {\n  expect(answer()).toBe(42);\n});\n",
        };
        Docs(files, "shout", "Make `text` loud: upper case, then an exclamation mark.", ShoutHints);
        Docs(files, "count-vowels", "Count the vowels (`a e i o u`) of a text, in either case.");
        Docs(files, "broken-example", "Return the answer.");
        return files;
    }

    private static Dictionary<string, string> CSharp()
    {
        const string project = "<Project Sdk=\"Microsoft.NET.Sdk\">\n  <PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup>\n</Project>\n";
        var files = new Dictionary<string, string>
        {
            ["config.json"] = TrackConfig("C#", "csharp", "%{pascal_slug}.cs", "%{pascal_slug}Tests.cs", ".meta/Example.cs"),
            ["exercises/practice/shout/.meta/config.json"] = Meta("Shout.cs", "ShoutTests.cs", ".meta/Example.cs"),
            ["exercises/practice/shout/Shout.csproj"] = project,
            ["exercises/practice/shout/Shout.cs"] = """
                using System;

                public static class Shout
                {
                    public static string Loud(string text)
                    {
                        throw new NotImplementedException("You need to implement this method.");
                    }
                }
                """,
            ["exercises/practice/shout/.meta/Example.cs"] = "public static class Shout\n{\n    public static string Loud(string text) => text.ToUpperInvariant() + \"!\";\n}\n",
            ["exercises/practice/shout/ShoutTests.cs"] = """
                using Xunit;

                public class ShoutTests
                {
                    [Fact]
                    public void A_word()
                    {
                        Assert.Equal("HEY!", Shout.Loud("hey"));
                    }

                    [Fact(Skip = "Remove this Skip property to run this test")]
                    public void A_sentence()
                    {
                        Assert.Equal("COME HERE!", Shout.Loud("come here"));
                    }
                }
                """,
            ["exercises/practice/count-vowels/.meta/config.json"] = Meta("CountVowels.cs", "CountVowelsTests.cs", ".meta/Example.cs"),
            ["exercises/practice/count-vowels/CountVowels.csproj"] = project,
            ["exercises/practice/count-vowels/CountVowels.cs"] = """
                using System;

                public static class CountVowels
                {
                    public static int Count(string text)
                    {
                        throw new NotImplementedException("You need to implement this method.");
                    }
                }
                """,
            ["exercises/practice/count-vowels/.meta/Example.cs"] = "using System.Linq;\n\npublic static class CountVowels\n{\n    public static int Count(string text) => text.ToLowerInvariant().Count(c => \"aeiou\".Contains(c));\n}\n",
            ["exercises/practice/count-vowels/CountVowelsTests.cs"] = """
                using Xunit;

                public class CountVowelsTests
                {
                    [Theory]
                    [InlineData("", 0)]
                    [InlineData("aeiou", 5)]
                    [InlineData("Python", 1)]
                    public void Counts(string text, int expected)
                    {
                        Assert.Equal(expected, CountVowels.Count(text));
                    }
                }
                """,
            ["exercises/practice/broken-example/.meta/config.json"] = Meta("BrokenExample.cs", "BrokenExampleTests.cs", ".meta/Example.cs"),
            ["exercises/practice/broken-example/BrokenExample.cs"] = "using System;\n\npublic static class BrokenExample\n{\n    public static int Answer() => throw new NotImplementedException();\n}\n",
            ["exercises/practice/broken-example/.meta/Example.cs"] = "public static class BrokenExample\n{\n    public static int Answer() => 41;\n}\n",
            ["exercises/practice/broken-example/BrokenExampleTests.cs"] = "using Xunit;\n\npublic class BrokenExampleTests\n{\n    [Fact]\n    public void The_answer() => Assert.Equal(42, BrokenExample.Answer());\n}\n",
        };
        Docs(files, "shout", "Make `text` loud: upper case, then an exclamation mark.", ShoutHints);
        Docs(files, "count-vowels", "Count the vowels (`a e i o u`) of a text, in either case.");
        Docs(files, "broken-example", "Return the answer.");
        return files;
    }
}
