using Microsoft.AspNetCore.Diagnostics;

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
            BadHttpRequestException => ApiError.Coded("error-invalid-json", "Invalid JSON body"),
            OperationCanceledException when httpContext.RequestAborted.IsCancellationRequested => null,
            _ => null,
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
        await error.ExecuteAsync(httpContext);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected error in request {RequestId} {Method} {Path}")]
    static partial void LogUnexpected(ILogger logger, Exception exception, string requestId, string method, PathString path);
}
