using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using LearningPlatform.Hub.Tests.EndToEnd;
using LearningPlatform.Services.Tests;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static LearningPlatform.Hub.Tests.Web.BrowserFlows;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>
/// The browser client end to end: headless Chromium against the real Hub, Services and runner. A learner edits,
/// sees squiggles come and go, submits and watches the tests fill in; an admin watches live, sends a hint and replays.
/// Every page fails the test on a console error.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed partial class WorkbenchBrowserTests(EndToEndFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const float Long = 90_000;
    private Browser _browser = null!;

    private string BaseUrl => PlatformFixture.Address(fixture.Platform.Hub.Services);

    public async Task InitializeAsync() => _browser = await Browser.LaunchAsync();

    public async Task DisposeAsync() => await _browser.DisposeAsync();

    [Fact]
    public async Task Learner_fixes_an_error_and_submits_while_an_instructor_watches_hints_and_replays()
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        await using var instructor = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;

        // Register, browse the catalog to the exercise, open the workbench.
        await RegisterAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "C# Foundations" }).ClickAsync();
        var clock = Stopwatch.StartNew();
        await page.Locator("a[href='/exercises/csharp-fizzbuzz']").ClickAsync();
        await WaitForWorkbenchAsync(page);
        Report($"editor interactive after in-app navigation: {clock.ElapsedMilliseconds} ms (C#, loopback)");
        var sessionId = await page.EvaluateAsync<string>("() => __lp.session().sessionId");
        var starter = await page.EvaluateAsync<string>("() => __lp.editor.getModel().getValue()");

        // The instructor finds the session on the course dashboard and watches it.
        await SignInAsync(instructor.Page, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);
        await instructor.Page.GotoAsync("/teach/csharp-foundations");
        await instructor.Page.Locator($"tr[data-session='{sessionId}'] a").ClickAsync();
        await instructor.Page.Locator("#watch-editor .view-lines").WaitForAsync();

        // Type an error: the squiggle appears for the learner and, live, for the watcher.
        await page.Locator("#editor .view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync("\nthis is not valid", new() { Delay = 15 });
        await page.WaitForFunctionAsync(ErrorCount("__lp.editor.getModel()") + " > 0", null, new() { Timeout = Long });
        await page.Locator("#editor .squiggly-error").First.WaitForAsync(new() { Timeout = Long });
        await page.Locator("#editor .view-lines span", new() { HasTextString = "this is not valid" }).Last.HoverAsync();
        await page.Locator(".monaco-hover .hover-contents").First.WaitForAsync(new() { Timeout = Long });
        await instructor.Page.WaitForFunctionAsync(
            "() => monaco.editor.getModels().some(m => m.uri.toString().startsWith('inmemory://watch/') && m.getValue().includes('this is not valid'))",
            null, new() { Timeout = Long });
        await instructor.Page.Locator("#watch-editor .squiggly-error").First.WaitForAsync(new() { Timeout = Long });

        // Fix it: the squiggle goes.
        var typed = await page.EvaluateAsync<int>("() => __lp.editor.getModel().getValue().length") - starter.Length;
        for (var i = 0; i < typed; i++)
        {
            await page.Keyboard.PressAsync("Backspace");
        }

        Assert.Equal(starter, await page.EvaluateAsync<string>("() => __lp.editor.getModel().getValue()"));
        await page.WaitForFunctionAsync(ErrorCount("__lp.editor.getModel()") + " === 0", null, new() { Timeout = Long });
        await page.Locator("#editor .squiggly-error").First.WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = Long });

        // A hint from the instructor shows up in the learner's workbench.
        Assert.False(await page.Locator("#instructor-hints-heading").IsVisibleAsync()); // no heading over an empty list
        await instructor.Page.GetByLabel("Send a hint").FillAsync("Try the modulo operator: i % 15 first.");
        await instructor.Page.GetByRole(AriaRole.Button, new() { Name = "Send hint" }).ClickAsync();
        await page.Locator("#hints li", new() { HasTextString = "modulo operator" }).WaitForAsync();
        Assert.True(await page.Locator("#instructor-hints-heading").IsVisibleAsync());

        // Run the starter against the visible tests: failures show their expected/actual message.
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await page.Locator("#verdict[data-verdict]").WaitForAsync(new() { Timeout = Long });
        Assert.NotEqual("passed", await page.Locator("#verdict").GetAttributeAsync("data-verdict"));
        Assert.True(await page.Locator("#test-list .test-message").CountAsync() > 0);
        await Screenshots.TakeAsync(page, "learner-workbench-failing");

        // Put the reference solution in (one Monaco edit) and submit: the tests fill in to a verdict.
        var solution = await SolutionAsync("csharp-fizzbuzz");
        await page.EvaluateAsync("text => __lp.editor.getModel().setValue(text)", solution);
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await page.Locator("#test-list li").First.WaitForAsync(new() { Timeout = Long });
        await page.Locator("#verdict[data-verdict]").WaitForAsync(new() { Timeout = Long });
        Assert.Equal("passed", await page.Locator("#verdict").GetAttributeAsync("data-verdict"));
        var tests = await page.Locator("#test-list li").CountAsync();
        Assert.True(tests > 0);
        Assert.Equal(tests, await page.Locator("#test-list li[data-status='pass']").CountAsync());
        await instructor.Page.Locator("#verdict[data-verdict='passed']").WaitForAsync(new() { Timeout = Long });
        await Screenshots.TakeAsync(page, "learner-workbench");

        // Replay: the timeline holds every edit; playing it reaches the end, and the start is the starter code.
        await instructor.Page.GetByRole(AriaRole.Button, new() { Name = "Replay session" }).ClickAsync();
        var slider = instructor.Page.Locator("#replay-slider");
        await slider.WaitForAsync();
        var max = int.Parse(await slider.GetAttributeAsync("max") ?? "0");
        Assert.True(max >= 3, $"expected the typed edits in the replay, got {max}");
        await instructor.Page.Locator("#replay-speed").SelectOptionAsync("16");
        await instructor.Page.Locator("#replay-play").ClickAsync();
        await instructor.Page.WaitForFunctionAsync($"() => document.querySelector('#replay-position').textContent.startsWith('{max} / {max}')", null, new() { Timeout = Long });
        Assert.Equal("Play", await instructor.Page.Locator("#replay-play").TextContentAsync());
        await slider.FillAsync("0");
        await instructor.Page.WaitForFunctionAsync("() => document.querySelector('#replay-position').textContent.startsWith('0 /')");
        var replayStart = await instructor.Page.EvaluateAsync<string>("() => monaco.editor.getModels().find(m => m.uri.toString().startsWith('inmemory://replay/')).getValue()");
        Assert.Equal(Normalize(starter), Normalize(replayStart));
        await slider.FillAsync(max.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Screenshots.TakeAsync(instructor.Page, "instructor-watch-replay", fullPage: true);

        // A second learner is stuck on an error: the dashboard lists them first, then the one who passed.
        await using var second = await _browser.NewPageAsync(BaseUrl);
        await RegisterAsync(second.Page);
        await second.Page.GotoAsync("/exercises/csharp-sum-of-evens");
        await WaitForWorkbenchAsync(second.Page);
        await second.Page.Locator("#editor .view-lines").ClickAsync();
        await second.Page.Keyboard.PressAsync("Control+End");
        await second.Page.Keyboard.TypeAsync("\nint broken = ;");
        await second.Page.WaitForFunctionAsync(ErrorCount("__lp.editor.getModel()") + " > 0", null, new() { Timeout = Long });
        var secondSession = await second.Page.EvaluateAsync<string>("() => __lp.session().sessionId");
        await instructor.Page.GetByRole(AriaRole.Link, new() { Name = "← Live sessions" }).ClickAsync();
        await instructor.Page.Locator($"tr[data-session='{sessionId}']", new() { HasTextString = "passed" }).WaitForAsync(new() { Timeout = Long });
        await instructor.Page.WaitForFunctionAsync(
            $"() => {{ const rows = [...document.querySelectorAll('#live-sessions tr[data-session]')].map(r => r.dataset.session); const a = rows.indexOf('{secondSession}'); return a >= 0 && a < rows.indexOf('{sessionId}'); }}",
            null, new() { Timeout = Long });
        await Screenshots.TakeAsync(instructor.Page, "instructor-dashboard");

        learner.AssertNoConsoleErrors();
        instructor.AssertNoConsoleErrors();
        second.AssertNoConsoleErrors();
    }

    [Theory]
    [InlineData("python-greet")]
    [InlineData("javascript-capitalize-words")]
    public async Task Python_and_javascript_exercises_open_and_run(string exerciseId)
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;
        await RegisterAsync(page);

        // A cold open: the whole page load, sign-in check, hub connection and session, until the editor takes keys.
        var clock = Stopwatch.StartNew();
        await page.GotoAsync($"/exercises/{exerciseId}");
        await WaitForWorkbenchAsync(page);
        Report($"editor interactive after a full page load: {clock.ElapsedMilliseconds} ms ({exerciseId}, loopback)");

        // The shortcuts are listed under the editor and work in it, without inserting a line.
        Assert.Contains("Ctrl+Shift+Enter", await page.Locator("#shortcuts").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.Locator("#run-vs-submit").IsVisibleAsync());
        var text = await page.EvaluateAsync<string>("() => __lp.editor.getModel().getValue()");
        await page.Locator("#editor .view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+Enter");
        await page.Locator("#verdict[data-verdict]").WaitForAsync(new() { Timeout = Long });
        Assert.True(await page.Locator("#test-list li").CountAsync() > 0);
        Assert.Equal(text, await page.EvaluateAsync<string>("() => __lp.editor.getModel().getValue()"));

        // With the solution, submitting passes.
        await page.EvaluateAsync("text => __lp.editor.getModel().setValue(text)", await SolutionAsync(exerciseId));
        var solution = await page.EvaluateAsync<string>("() => __lp.editor.getModel().getValue()");
        await page.Locator("#editor .view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+Shift+Enter");
        await page.Locator("#verdict[data-verdict='passed']").WaitForAsync(new() { Timeout = Long });
        Assert.StartsWith("Submission", await page.Locator(".run-status").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.Equal(solution, await page.EvaluateAsync<string>("() => __lp.editor.getModel().getValue()"));
        learner.AssertNoConsoleErrors();
    }

    /// <summary>axe-core (the client's dev dependency) on the learner's pages in both colour schemes: no serious or
    /// critical violation, colour contrast among them. Its script is injected, so this context bypasses the CSP.</summary>
    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public async Task Learner_pages_have_no_serious_accessibility_violations(ColorScheme scheme)
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl, colorScheme: scheme, bypassCsp: true);
        var page = learner.Page;
        await RegisterAsync(page);
        var found = new List<string>();
        foreach (var path in new[] { "/", "/courses/python-foundations", "/exercises/python-greet" })
        {
            await page.GotoAsync(path);
            if (path.StartsWith("/exercises/", StringComparison.Ordinal))
            {
                await WaitForWorkbenchAsync(page);
            }
            else
            {
                await page.Locator("main h1").WaitForAsync();
            }

            found.AddRange((await AxeViolationsAsync(page)).Select(v => $"{path}: {v}"));
        }

        Assert.True(found.Count == 0, string.Join("\n", found));
        learner.AssertNoConsoleErrors();
    }

    /// <summary>axe-core's serious and critical violations on the page (whose context must bypass the CSP to inject it).</summary>
    private static async Task<string[]> AxeViolationsAsync(IPage page)
    {
        var axe = Path.Combine(RepoRoot(), "src", "Hub", "ClientApp", "node_modules", "axe-core", "axe.min.js");
        Assert.True(File.Exists(axe), $"{axe} is missing: run npm ci in src/Hub/ClientApp");
        await page.AddScriptTagAsync(new() { Path = axe });
        return await page.EvaluateAsync<string[]>(
            """
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .flatMap(v => v.nodes.slice(0, 5).map(n => `${v.id} (${v.impact}): ${n.target.join(' ')} ${n.failureSummary}`))
            """);
    }

    private static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "LearningPlatform.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("LearningPlatform.sln not found above the test folder");
        }

        return dir;
    }

    [Theory]
    [InlineData(390, 844)]
    [InlineData(1024, 768)]
    public async Task Catalog_course_and_workbench_fit_a_phone_and_a_tablet(int width, int height)
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl, width, height);
        var page = learner.Page;
        await RegisterAsync(page);
        const string NoSidewaysScroll = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth";
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Courses" }).WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), "the catalog scrolls sideways");
        // The catalog does not load the editor: Monaco comes with the workbench's chunk.
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.monaco === 'undefined' && !performance.getEntriesByType('resource').some(r => r.name.includes('/workbench-'))"));
        await page.GotoAsync("/courses/python-foundations");
        await page.Locator("li[data-exercise='python-greet']").WaitForAsync();
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), "the course page scrolls sideways");

        await page.GotoAsync("/exercises/python-greet");
        await WaitForWorkbenchAsync(page);
        await page.Locator("#editor").ScrollIntoViewIfNeededAsync();
        var box = await page.Locator("#editor").BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Width >= 300 && box.Height >= 200, $"editor {box.Width}×{box.Height} at {width}×{height}");
        Assert.True(await page.EvaluateAsync<bool>(NoSidewaysScroll), "the workbench scrolls sideways");
        await Screenshots.TakeAsync(page, $"learner-workbench-{width}", fullPage: true);
        learner.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task The_course_shows_each_exercise_state_hints_are_released_and_a_pass_recommends_the_next()
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;
        await RegisterAsync(page);
        var greet = page.Locator("li[data-exercise='python-greet'] .state");
        await page.GotoAsync("/courses/python-foundations");
        Assert.Equal("not-started", await greet.GetAttributeAsync("data-state"));
        // Graded (it has hidden checks) before any attempt, said in words to screen readers too.
        var grading = page.Locator("li[data-exercise='python-greet'] .grading");
        Assert.Equal("graded", await grading.GetAttributeAsync("data-grading"));
        Assert.StartsWith("Graded: hidden checks", await grading.TextContentAsync() ?? "", StringComparison.Ordinal);

        // Hints one at a time, with the count left, rendered as Markdown.
        await page.GotoAsync("/exercises/python-greet");
        await WaitForWorkbenchAsync(page);
        Assert.Equal("graded", await page.Locator(".wb-head .grading").GetAttributeAsync("data-grading"));
        var hint = page.Locator("#hint-button");
        Assert.Equal("Show a hint (3 left)", await hint.TextContentAsync());
        await hint.ClickAsync();
        await page.Locator("#exercise-hints li code").First.WaitForAsync();
        Assert.Equal("Show a hint (2 left)", await hint.TextContentAsync());

        // A pass offers the recommended next exercise and says why.
        await page.EvaluateAsync("text => __lp.editor.getModel().setValue(text)", await SolutionAsync("python-greet"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await page.Locator("#verdict[data-verdict='passed']").WaitForAsync(new() { Timeout = Long });
        await page.Locator("#next-exercise #next-link").WaitForAsync(new() { Timeout = Long });
        Assert.DoesNotContain("python-greet", await page.Locator("#next-link").GetAttributeAsync("href") ?? "", StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(await page.Locator("#next-reason").TextContentAsync()));

        // Back on the course, the exercise is passed (progress is recorded from the run's event, so it may lag a little).
        var clock = Stopwatch.StartNew();
        do
        {
            await page.GotoAsync("/courses/python-foundations");
            await greet.WaitForAsync();
        }
        while (await greet.GetAttributeAsync("data-state") != "passed" && clock.ElapsedMilliseconds < Long);
        Assert.Equal("passed", await greet.GetAttributeAsync("data-state"));
        learner.AssertNoConsoleErrors();
    }

    [Theory]
    [InlineData("python-greet", "def greet(name)\n    return name\n")]
    [InlineData("javascript-capitalize-words", "function capitalizeWords(text) {\n  return text +;\n}\nmodule.exports = { capitalizeWords };\n")]
    public async Task A_syntax_error_on_run_shows_the_message_and_folds_the_trace(string exerciseId, string broken)
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;
        await RegisterAsync(page);
        await page.GotoAsync($"/exercises/{exerciseId}");
        await WaitForWorkbenchAsync(page);

        await page.EvaluateAsync("text => __lp.editor.getModel().setValue(text)", broken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await page.Locator("#verdict[data-verdict]").WaitForAsync(new() { Timeout = Long });

        // The language's own words and the caret first; the verdict line stays one line; the trace is folded.
        var summary = await page.Locator("#run-problem .problem-summary").TextContentAsync() ?? "";
        Assert.Contains("SyntaxError", summary, StringComparison.Ordinal);
        Assert.Contains("^", summary, StringComparison.Ordinal);
        Assert.True(summary.Split('\n').Length <= 8, summary);
        Assert.DoesNotContain("\n", await page.Locator("#verdict").TextContentAsync() ?? "", StringComparison.Ordinal);
        Assert.False(await page.Locator("#run-problem details.problem-trace").EvaluateAsync<bool>("d => d.open"));
        Assert.False(await page.Locator("#run-problem details.problem-trace pre").IsVisibleAsync());
        learner.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_dropped_connection_resumes_and_keeps_the_edits()
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;
        await RegisterAsync(page);
        await page.GotoAsync("/exercises/python-greet");
        await WaitForWorkbenchAsync(page);

        await page.EvaluateAsync("() => { window.__lpStates = []; __lp.drop(); }");
        await page.WaitForFunctionAsync(
            "() => { const s = window.__lpStates; const i = s.findIndex(x => x === 'reconnecting' || x === 'offline'); return i >= 0 && s.indexOf('connected', i) > i; }",
            null, new() { Timeout = Long });
        await page.Locator("#connection[data-state='connected']").WaitForAsync(new() { Timeout = Long });
        await page.Locator("#editor .view-lines").ClickAsync();
        await page.Keyboard.PressAsync("Control+End");
        await page.Keyboard.TypeAsync("\n# still here");
        await page.WaitForFunctionAsync("() => __lp.version() > 0 && __lp.synced()", null, new() { Timeout = Long });
        var typed = await page.EvaluateAsync<string>("() => __lp.editor.getModel().getValue()");

        // A reload reopens the session with the text the hub kept.
        await page.ReloadAsync();
        await WaitForWorkbenchAsync(page);
        Assert.Equal(typed, await page.EvaluateAsync<string>("() => __lp.editor.getModel().getValue()"));
        learner.AssertNoConsoleErrors();
    }

    /// <summary>Benchmark-ish, no timed assert: opens the same C# exercise several times and prints the figures.</summary>
    [Fact]
    public async Task Editor_interactive_time_on_loopback_is_reported()
    {
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var page = learner.Page;
        await RegisterAsync(page);
        var coldLoads = new List<long>();
        var inApp = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await page.GotoAsync("/exercises/csharp-factorial");
            await WaitForWorkbenchAsync(page);
            coldLoads.Add(clock.ElapsedMilliseconds);

            await page.GetByRole(AriaRole.Link, new() { Name = "← Course" }).ClickAsync();
            clock.Restart();
            await page.Locator("a[href='/exercises/csharp-factorial']").ClickAsync();
            await WaitForWorkbenchAsync(page);
            inApp.Add(clock.ElapsedMilliseconds);
        }

        static string Figures(List<long> ms) => $"median {ms.Order().ElementAt(ms.Count / 2)} ms, min {ms.Min()}, max {ms.Max()} (n={ms.Count})";
        Report($"editor interactive, full page load: {Figures(coldLoads)}");
        Report($"editor interactive, in-app navigation: {Figures(inApp)}");
        learner.AssertNoConsoleErrors();
    }

    private static string ErrorCount(string model) =>
        $"() => monaco.editor.getModelMarkers({{ resource: {model}.uri }}).filter(m => m.severity === 8).length";

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private async Task<string> SolutionAsync(string exerciseId)
    {
        using var login = await fixture.Platform.Client().PostAsJsonAsync("/api/auth/login", new { email = ServicesFixture.AdminEmail, password = ServicesFixture.AdminPassword });
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        using var admin = fixture.Platform.Client(token);
        var exercise = await admin.GetFromJsonAsync<JsonElement>($"/api/exercises/{exerciseId}/full");
        return exercise.GetProperty("solution")[0].GetProperty("content").GetString()!;
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine("[bench] " + line);
    }
}
