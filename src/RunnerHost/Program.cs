using LearningPlatform.RunnerHost;
using LearningPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("runner");
builder.Services.AddRunner();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.Run();

/// Entry point, visible to WebApplicationFactory in tests.
public partial class Program;
