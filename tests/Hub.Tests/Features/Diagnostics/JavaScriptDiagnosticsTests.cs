using LearningPlatform.Contracts.Workbench;
using LearningPlatform.Hub.Features.Diagnostics;

namespace LearningPlatform.Hub.Tests.Features.Diagnostics;

[Collection(DiagnosticsCollection.Name)]
public sealed class JavaScriptDiagnosticsTests(AnalyzersFixture analyzers)
{
    [Theory]
    [InlineData("import { readFile } from 'node:fs/promises';\nexport const size = async p => (await readFile(p)).length;\n")]
    [InlineData("const fs = require('fs');\nmodule.exports = function size(p) { return fs.readFileSync(p).length; };\n")]
    [InlineData("// sloppy-mode script: not valid as a module\nwith (Math) { module.exports = PI; }\n")]
    public async Task EsmAndCommonJs_BothParseClean(string code)
    {
        using var h = analyzers.Pipeline();

        await h.Edit("index.js", 1, code);

        Assert.Empty((await h.Result("index.js", 1, DiagnosticsLayer.Syntax)).Markers);
    }

    [Fact]
    public async Task SyntaxError_GivesMarkerAtItsPosition()
    {
        using var h = analyzers.Pipeline();
        const string Code = "function f() {\n  return 1 +;\n}\n";

        await h.Edit("index.js", 1, Code);
        var marker = Assert.Single((await h.Result("index.js", 1, DiagnosticsLayer.Syntax)).Markers);

        Assert.Equal(2, marker.StartLineNumber);
        Assert.Equal("  return 1 +".Length + 1, marker.StartColumn);
        Assert.Equal(MarkerSeverity.Error, marker.Severity);
        Assert.Equal(DiagnosticsLayer.Syntax, marker.Source);
    }

    [Fact]
    public async Task Lint_WarnsOnLooseEqualityAndHintsOnVar()
    {
        using var h = analyzers.Pipeline(o => o.SemanticDebounce = TimeSpan.Zero);

        await h.Edit("index.js", 1, "var a = 1;\nif (a == '1' || a == null) { console.log(a); }\n");
        var lint = await h.Result("index.js", 1, DiagnosticsLayer.Lint);

        Assert.Contains(lint.Markers, m => m is { Code: "no-var", StartLineNumber: 1, StartColumn: 1, EndColumn: 4, Severity: MarkerSeverity.Hint });
        var loose = Assert.Single(lint.Markers, m => m.Code == "eqeqeq");
        Assert.Equal((2, 5, MarkerSeverity.Warning), (loose.StartLineNumber, loose.StartColumn, loose.Severity));
        Assert.Null(h.Sink.Results.FirstOrDefault(r => r.Layer == DiagnosticsLayer.Compiler));
    }
}
