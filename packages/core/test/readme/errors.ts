/** The core README's error example. */
import { discover, isUmaError } from '@uma-kit/core'

try {
  await discover('https://as.example')
} catch (err) {
  if (isUmaError(err) && err.code === 'as_unreachable') console.log('try again later')
  else throw err
}
