using System.Text.RegularExpressions;
using LearningPlatform.Services.Tests;
using Microsoft.Playwright;
using static LearningPlatform.Hub.Tests.Web.BrowserFlows;

namespace LearningPlatform.Hub.Tests.Web;

/// <summary>
/// The instructor's views at a 1024×768 screen: the dashboard is pushed (no polling), rows and the watch view show
/// names and titles, the watch view shows the instructions and the hints sent and released, and the replay's timeline
/// is on screen with the learner's runs on it.
/// </summary>
public sealed partial class WorkbenchBrowserTests
{
    [Fact]
    public async Task The_dashboard_is_pushed_and_the_watch_view_shows_names_instructions_hints_and_runs_on_the_replay_timeline()
    {
        await using var instructor = await _browser.NewPageAsync(BaseUrl, 1024, 768);
        await using var learner = await _browser.NewPageAsync(BaseUrl);
        var teach = instructor.Page;
        var sent = new List<string>(); // every hub invocation the instructor's pages send (JSON protocol frames)
        teach.WebSocket += (_, ws) => ws.FrameSent += (_, frame) =>
        {
            if (frame.Text is { } text && HubTarget().Match(text) is { Success: true } m)
            {
                lock (sent)
                {
                    sent.Add(m.Groups[1].Value);
                }
            }
        };

        // The instructor opens the dashboard first; the learner's row appears by itself.
        await SignInAsync(teach, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);
        await teach.GotoAsync("/teach/python-foundations");
        await teach.Locator("#connection[data-state='connected']").WaitForAsync();
        var name = $"Ada {Guid.NewGuid().ToString("N")[..6]}";
        await RegisterAsync(learner.Page, name);
        await learner.Page.GotoAsync("/exercises/python-greet");
        await WaitForWorkbenchAsync(learner.Page);
        var sessionId = await learner.Page.EvaluateAsync<string>("() => __lp.session().sessionId");
        var row = teach.Locator($"tr[data-session='{sessionId}']");
        await row.WaitForAsync(new() { Timeout = 10_000 });
        Assert.Equal([name, "Hello, name!"], (await row.Locator("td").AllTextContentsAsync()).Take(2));
        Assert.DoesNotContain(sessionId, await teach.Locator("#live-sessions").InnerTextAsync(), StringComparison.Ordinal);

        // A failing run and a released hint; the row's verdict follows without a refresh.
        await learner.Page.GetByRole(AriaRole.Button, new() { Name = "Run", Exact = true }).ClickAsync();
        await learner.Page.Locator("#verdict[data-verdict]").WaitForAsync(new() { Timeout = Long });
        await learner.Page.Locator("#hint-button").ClickAsync();
        await learner.Page.Locator("#exercise-hints li").First.WaitForAsync();
        await row.Locator("td", new() { HasTextString = "failed" }).WaitForAsync(new() { Timeout = 10_000 });
        lock (sent)
        {
            Assert.Equal(["WatchCourse"], sent.Where(t => t is "WatchCourse" or "ListLiveSessions"));
        }

        // Watch: the learner's name and the exercise's title, the instructions rendered, the released hint.
        await row.GetByRole(AriaRole.Link, new() { Name = $"Watch {name} on Hello, name!" }).ClickAsync();
        await teach.Locator("#watch-editor .view-lines").WaitForAsync();
        Assert.Equal($"{name} — Hello, name!", await teach.Locator("#watch-title").TextContentAsync());
        Assert.Equal("Hello, name!", await teach.Locator("#watch-instructions h1").TextContentAsync());
        Assert.True(await teach.Locator("#watch-instructions li code").CountAsync() > 0);
        Assert.StartsWith("An f-string", await teach.Locator("#released-hints li").First.TextContentAsync());
        Assert.Matches("^last edit .+ ago$", await teach.Locator("#watch-activity").TextContentAsync());
        Assert.Matches("^version \\d+$", await teach.Locator("#watch-activity").GetAttributeAsync("title"));

        // A hint sent shows in the list at once, rendered, and is still there when the view is opened again.
        await teach.GetByLabel("Send a hint").FillAsync("Strip the name with **strip()** first.");
        await teach.GetByRole(AriaRole.Button, new() { Name = "Send hint" }).ClickAsync();
        await teach.Locator("#sent-hints li strong", new() { HasTextString = "strip()" }).WaitForAsync();
        await learner.Page.Locator("#hints li", new() { HasTextString = "strip()" }).WaitForAsync();
        await teach.ReloadAsync();
        await teach.Locator("#sent-hints li", new() { HasTextString = "strip()" }).WaitForAsync();
        Assert.Equal(1, await teach.Locator("#sent-hints li").CountAsync());

        // The learner passes; the replay's timeline is on screen without scrolling and marks both runs.
        var solution = await SolutionAsync("python-greet");
        await learner.Page.EvaluateAsync("text => __lp.editor.getModel().setValue(text)", solution);
        await learner.Page.GetByRole(AriaRole.Button, new() { Name = "Submit" }).ClickAsync();
        await learner.Page.Locator("#verdict[data-verdict='passed']").WaitForAsync(new() { Timeout = Long });
        await teach.Locator("#verdict[data-verdict='passed']").WaitForAsync(new() { Timeout = Long });
        await teach.GetByRole(AriaRole.Button, new() { Name = "Replay session" }).ClickAsync();
        var slider = teach.Locator("#replay-slider");
        await slider.WaitForAsync();
        var box = await slider.BoundingBoxAsync();
        Assert.True(box is { Y: >= 0 } && box.Y + box.Height <= 768, $"the timeline is at {box?.Y}..{box?.Y + box?.Height}, below the fold");
        Assert.Equal(0, await teach.EvaluateAsync<double>("() => window.scrollY"));
        var marks = teach.Locator("#replay-marks .run-mark");
        Assert.Equal(2, await marks.CountAsync());
        Assert.Matches(@"^Run 1: failed at \d", await marks.Nth(0).GetAttributeAsync("aria-label"));
        Assert.Matches(@"^Submit 2: passed at \d", await marks.Nth(1).GetAttributeAsync("aria-label"));
        Assert.Equal(("failed", "passed"), (await marks.Nth(0).GetAttributeAsync("data-verdict"), await marks.Nth(1).GetAttributeAsync("data-verdict")));
        var max = int.Parse(await slider.GetAttributeAsync("max") ?? "0");
        var first = int.Parse(await marks.Nth(0).GetAttributeAsync("data-position") ?? "-1");
        var second = int.Parse(await marks.Nth(1).GetAttributeAsync("data-position") ?? "-1");
        Assert.True(first >= 0 && first < second && second <= max, $"marks at {first} and {second} of {max}");
        await marks.Nth(0).ClickAsync();
        Assert.StartsWith($"{first} / {max}", await teach.Locator("#replay-position").TextContentAsync());
        await Screenshots.TakeAsync(teach, "instructor-replay-runs");

        instructor.AssertNoConsoleErrors();
        learner.AssertNoConsoleErrors();

        // axe-core on both views (a context of its own: injecting axe needs the CSP bypassed).
        await using var audit = await _browser.NewPageAsync(BaseUrl, 1024, 768, bypassCsp: true);
        await SignInAsync(audit.Page, ServicesFixture.AdminEmail, ServicesFixture.AdminPassword);
        await audit.Page.GotoAsync("/teach/python-foundations");
        await audit.Page.Locator($"tr[data-session='{sessionId}']").WaitForAsync();
        var found = (await AxeViolationsAsync(audit.Page)).Select(v => $"dashboard: {v}").ToList();
        await audit.Page.GotoAsync($"/watch/{sessionId}");
        await audit.Page.Locator("#watch-editor .view-lines").WaitForAsync();
        await audit.Page.GetByRole(AriaRole.Button, new() { Name = "Replay session" }).ClickAsync();
        await audit.Page.Locator("#replay-marks .run-mark").First.WaitForAsync();
        found.AddRange((await AxeViolationsAsync(audit.Page)).Select(v => $"watch: {v}"));
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    [GeneratedRegex("\"target\":\"(\\w+)\"")]
    private static partial Regex HubTarget();
}
