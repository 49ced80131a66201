using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace Livechat.Server.Http;

/// <summary>Turns every exception into the envelope: ApiException as given, bad requests as 400/413, the rest as a logged 500.</summary>
public sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var error = exception switch
        {
            ApiException api => api.Error,
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => ApiError.RequestTooLarge(),
            BadHttpRequestException => JsonBody.InvalidJson(),
            _ => RefusedByDatabase(exception),
        };
        if (error is null)
        {
            if (httpContext.RequestAborted.IsCancellationRequested)
            {
                return true;
            }
            LogUnexpected(logger, exception, httpContext.TraceIdentifier, httpContext.Request.Method, httpContext.Request.Path);
            error = ApiError.Internal();
        }
        else if (exception is not (ApiException or BadHttpRequestException))
        {
            // A value the validation should have refused first: answered as bad input, and logged so it gets its own check.
            LogRefusedByDatabase(logger, exception, httpContext.TraceIdentifier, httpContext.Request.Method, httpContext.Request.Path);
        }
        await error.ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>
    /// PostgreSQL's refusals of a value (an index entry too large, a character it cannot store) are bad input, not
    /// server faults. The statement failed, so its transaction wrote nothing.
    /// </summary>
    static ApiError? RefusedByDatabase(Exception exception) =>
        (exception as PostgresException ?? exception.InnerException as PostgresException)?.SqlState switch
        {
            PostgresErrorCodes.ProgramLimitExceeded => ApiError.Coded("error-value-too-long", "A value is too long to be stored"),
            PostgresErrorCodes.CharacterNotInRepertoire or PostgresErrorCodes.UntranslatableCharacter => Limits.InvalidCharacters(),
            _ => null,
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in request {RequestId} {Method} {Path}")]
    static partial void LogUnexpected(ILogger logger, Exception exception, string requestId, string method, PathString path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database refused a value in request {RequestId} {Method} {Path}")]
    static partial void LogRefusedByDatabase(ILogger logger, Exception exception, string requestId, string method, PathString path);
}
