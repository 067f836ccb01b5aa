using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace LearningPlatform.ServiceDefaults.Errors;

/// <summary>
/// Maps a client's mistake found deep in the pipeline (unreadable JSON, a wrong type, a body over the limit) to a
/// 4xx ProblemDetails that says what was wrong; anything else is a 500 that says nothing of the internals.
/// </summary>
public sealed partial class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e => (e.StatusCode, "Request body too large", e.Message),
            BadHttpRequestException { InnerException: JsonException json } e => (e.StatusCode, "Malformed JSON", JsonMessage(json)),
            BadHttpRequestException e => (e.StatusCode, "Bad request", e.Message),
            JsonException json => (StatusCodes.Status400BadRequest, "Malformed JSON", JsonMessage(json)),
            ClientErrorException e => (e.StatusCode, e.Title, e.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The server failed to handle the request; it was logged."),
        };
        if (status >= 500)
        {
            Log.Unhandled(logger, httpContext.Request.Path, exception);
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }

    // System.Text.Json's messages name the JSON path and the expected type, which is what a caller needs.
    private static string JsonMessage(JsonException e) =>
        e.Path is null ? "The body is not valid JSON." : $"The body is not valid JSON for this request at '{e.Path}': {e.Message.Split(" Path:")[0]}";

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Unhandled exception on {Path}")]
        public static partial void Unhandled(ILogger logger, string path, Exception exception);
    }
}

/// <summary>Thrown by a handler for a client error it cannot express as a result value; becomes ProblemDetails.</summary>
public class ClientErrorException(int statusCode, string title, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;

    public string Title { get; } = title;
}
