using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace LearningPlatform.ServiceDefaults.Errors;

/// <summary>
/// Maps a client's mistake found deep in the pipeline (unreadable JSON, a wrong type, a body over the limit) to a
/// 4xx ProblemDetails that says what was wrong. Anything else becomes the middleware's 500, which says nothing of the
/// internals.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems)
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
            // Not a client error this handler knows: leave it to later handlers (registration order must not matter),
            // and in the end to the middleware's own logged 500 ProblemDetails.
            _ => (0, "", ""),
        };
        if (status == 0)
        {
            return false;
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
}

/// <summary>Thrown by a handler for a client error it cannot express as a result value; becomes ProblemDetails.</summary>
public class ClientErrorException(int statusCode, string title, string detail) : Exception(detail)
{
    public int StatusCode { get; } = statusCode;

    public string Title { get; } = title;
}
