using System.Security.Cryptography;
using System.Text;
using Livechat.Server.Users;
using Microsoft.AspNetCore.Identity;

namespace Livechat.Server.Auth;

/// <summary>
/// Passwords are hashed as Meteor sends them pre-hashed: the hex SHA-256 digest of the password goes through
/// ASP.NET Core's PasswordHasher (PBKDF2), so both the plain and the <c>{digest, algorithm}</c> forms verify.
/// </summary>
public static class Passwords
{
    static readonly PasswordHasher<User> Hasher = new();

    public static string Digest(string password) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(password)));

    public static string Hash(User user, string password) => Hasher.HashPassword(user, Digest(password));

    public static bool Verify(User user, string digest) =>
        user.PasswordHash is not null
        && Hasher.VerifyHashedPassword(user, user.PasswordHash, digest.ToLowerInvariant()) != PasswordVerificationResult.Failed;
}
