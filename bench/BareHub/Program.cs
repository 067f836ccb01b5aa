// A bare SignalR hub with the workbench's message shapes and nothing behind them (no auth, no Redis, no
// diagnostics), to calibrate bench/Hub.Bench on this machine: the same client and load against it tell what
// SignalR and the machine cost before the platform's own work.
//   dotnet run -c Release --project bench/BareHub -- --urls http://localhost:8095
//   dotnet run -c Release --project bench/Hub.Bench -- url=http://localhost:8095 connections=15000 typers=1000 pid=<its pid>
// Hub options come from configuration: --SignalR:KeepAliveInterval=00:10:00 --SignalR:ClientTimeoutInterval=00:30:00
// shows what SignalR's once-a-second keep-alive burst costs at 15,000 connections (see KeepAlivePacer in the Hub).
using LearningPlatform.Contracts.Workbench;
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR(o => builder.Configuration.GetSection("SignalR").Bind(o)).AddMessagePackProtocol();
var app = builder.Build();
app.MapHub<BareWorkbench>("/hubs/workbench");
app.Run();

internal sealed class BareWorkbench : Hub
{
    private const string Text = "def greet(name):\n    return \"\"\n";

    public SessionSnapshot OpenExercise(string exerciseId) =>
        new(Context.ConnectionId, exerciseId, "course", "user", "python", 0, [new WorkbenchFile("greeting.py", Text, 0)], [], null);

    public EditResult ApplyEdits(string sessionId, string file, long baseVersion, ContentChange[] changes) =>
        new(true, baseVersion + 1, null, null);
}
