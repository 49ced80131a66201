using System.Net;
using System.Text;

namespace Livechat.Client.Tests;

/// <summary>What the client makes of answers that are not the server's envelope (no host needed).</summary>
public sealed class TransportTests
{
    [Fact]
    public async Task AnUnreachableServerIsALivechatApiExceptionWithStatusZero()
    {
        using var client = new LivechatClient(new HttpClient { BaseAddress = new Uri("http://127.0.0.1:9/") }, disposeHttpClient: true);

        var error = await Assert.ThrowsAsync<LivechatApiException>(() => client.LoginAsync("a", "b"));

        Assert.True(error.IsNetworkError);
        Assert.Equal(0, error.Status);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task AProxysErrorPageKeepsItsStatusAndText()
    {
        using var client = new LivechatClient(new HttpClient(new Answer(HttpStatusCode.BadGateway, "Bad gateway", "text/plain"))
        {
            BaseAddress = new Uri("http://livechat.example/chat"),
        }, disposeHttpClient: true);

        var error = await Assert.ThrowsAsync<LivechatApiException>(() => client.Tags.ListAsync());

        Assert.Equal((502, "Bad gateway", null), (error.Status, error.Error, error.ErrorType));
        Assert.Equal("http://livechat.example/chat/api/v1/livechat/tags?text=", Answer.LastUri);
    }

    [Fact]
    public async Task AnUnexpectedSuccessBodyIsAnExceptionNotANullModel()
    {
        using var client = new LivechatClient(new HttpClient(new Answer(HttpStatusCode.OK, "<html></html>", "text/html"))
        {
            BaseAddress = new Uri("http://livechat.example/"),
        }, disposeHttpClient: true);

        var error = await Assert.ThrowsAsync<LivechatApiException>(() => client.Slas.GetAsync("x"));

        Assert.Equal(200, error.Status);
        Assert.False(error.IsNetworkError);
    }

    /// <summary>A fixed answer, standing in for a proxy in front of the server.</summary>
    sealed class Answer(HttpStatusCode status, string body, string contentType) : HttpMessageHandler
    {
        public static string? LastUri { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastUri = request.RequestUri!.ToString();
            return Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, contentType) });
        }
    }
}
