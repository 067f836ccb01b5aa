using LearningPlatform.ServiceDefaults;
using LearningPlatform.ServiceDefaults.Auth;
using LearningPlatform.Services.Common;
using LearningPlatform.Services.Features.Catalog;
using LearningPlatform.Services.Features.Exercises;
using LearningPlatform.Services.Features.Feedback;
using LearningPlatform.Services.Features.Imports;
using LearningPlatform.Services.Features.Jobs;
using LearningPlatform.Services.Features.Progress;
using LearningPlatform.Services.Features.Recommendations;
using LearningPlatform.Services.Features.Runs;
using LearningPlatform.Services.Features.Sessions;
using LearningPlatform.Services.Features.Users;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("services");
builder.Services.AddPlatformAuthentication();
builder.AddServiceStorage();
builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
{
    doc.Info.Title = "Learning Platform API";
    return Task.CompletedTask;
}));

builder.AddUsers();
builder.AddCatalog();
builder.AddExercises();
builder.AddImports();
builder.AddRuns();
builder.AddFeedback();
builder.AddSessionBackups();
builder.AddProgress();
builder.AddRecommendations();
builder.AddLearningRecords(); // after Recommendations: reads the mastery a submission just moved
builder.AddJobs();
builder.AddAccountRateLimits();

var app = builder.Build();
app.UseServiceDefaults();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.MapDefaultEndpoints();
app.MapOpenApi();

var api = app.MapGroup("/api");
api.MapUsers();
api.MapCatalog();
api.MapExercises();
api.MapImports();
api.MapRuns();
api.MapFeedback();
api.MapSessionBackups();
api.MapProgress();
api.MapRecommendations();
app.MapJobs(api);

app.Run();

namespace LearningPlatform.Services
{
    /// <summary>Marks this assembly for <c>WebApplicationFactory</c> (both hosts' Program classes are global).</summary>
    public sealed class ServicesEntryPoint;
}
