// SKELETON: helper B replaces this file.
/// AWS Signature Version 4.
package enum SigV4 {}
